// The ARM PrimeCell PL041 Advanced Audio CODEC Interface (AACI) and the AC'97 codec behind it
// (an LM4549 on the RealView boards): register offsets and bits, from the PL041 TRM (channel 1
// only) and the AC'97 register map. Nothing here touches the hardware.
#pragma once
#include <stdint.h>

namespace aaci {

// Channel 1's registers (the PL041 has four channels; the codec's PCM out uses one).
enum Reg : unsigned {
  txcr1 = 0x04,     // transmit control: enable, slots, sample size, compact mode, FIFO enable
  sr1 = 0x08,       // status: FIFO empty / half empty / full, underrun
  isr1 = 0x0c,      // interrupt status
  ie1 = 0x10,       // interrupt enable
  sl1rx = 0x50,     // slot 1 (codec register address) received
  sl1tx = 0x54,     // slot 1 to send: the codec register address, bit 19 for a read
  sl2rx = 0x58,     // slot 2 (codec register data) received
  sl2tx = 0x5c,     // slot 2 to send: the data to write
  slfr = 0x68,      // slot flags
  intclr = 0x74,    // interrupt clear
  maincr = 0x78,    // main control: interface enable, slot 1/2 enables
  dr1 = 0x90,       // channel 1's FIFO
  periph_id0 = 0xfe0,
  periph_id1 = 0xfe4,
};

// TXCR1
constexpr uint32_t tx_enable = 1u << 0;
constexpr uint32_t tx_slot3 = 1u << 3, tx_slot4 = 1u << 4;   // PCM left and right
constexpr uint32_t tx_size16 = 0u << 13;                        // 16-bit samples
constexpr uint32_t tx_compact = 1u << 15;   // two 16-bit samples a FIFO word: left low, right high
constexpr uint32_t tx_fifo_enable = 1u << 16;
// SR1
constexpr uint32_t sr_tx_empty = 1u << 1, sr_tx_half_empty = 1u << 3, sr_tx_full = 1u << 5;
// IE1 / ISR1
constexpr uint32_t int_tx = 1u << 2;   // the transmit FIFO is half empty (or more)
// SLFR
constexpr uint32_t sl1_tx_busy = 1u << 1, sl1_rx_valid = 1u << 6, sl2_rx_valid = 1u << 8;
// MAINCR: the interface on, slots 1 and 2 (codec register access) both ways.
constexpr uint32_t main_enable = 1u << 0, main_sl1_rx = 1u << 3, main_sl1_tx = 1u << 4,
                   main_sl2_rx = 1u << 5, main_sl2_tx = 1u << 6;
// Slot 1: the codec register in bits 18..12, bit 19 set for a read; slot 2: data in bits 19..4.
constexpr uint32_t slot1_read = 1u << 19;
constexpr uint32_t slot1(unsigned codec_reg) { return uint32_t(codec_reg & 0x7f) << 12; }
constexpr uint32_t slot2(uint16_t data) { return uint32_t(data) << 4; }

// The PL041's part number (PeriphID0 and the low half of PeriphID1).
constexpr uint32_t part_number = 0x041;

// The AC'97 codec's registers (the LM4549's).
namespace codec {
enum Reg : unsigned {
  reset = 0x00,
  master_volume = 0x02,
  pcm_out_volume = 0x18,
  ext_audio_id = 0x28,     // bit 0: variable rate audio supported
  ext_audio_ctrl = 0x2a,   // bit 0: variable rate audio on
  dac_rate = 0x2c,         // the front DAC's sample rate in Hz (48000 unless VRA is on)
  vendor_id1 = 0x7c,
  vendor_id2 = 0x7e,
};
constexpr uint16_t vra = 1u << 0;
constexpr uint16_t volume_0db = 0x0000;        // master: no attenuation, not muted
constexpr uint16_t pcm_gain_0db = 0x0808;      // PCM out: 0 dB both sides, not muted
// The rates the LM4549's DAC takes with variable rate audio on.
constexpr unsigned min_rate = 4000, max_rate = 48000;
}  // namespace codec

}  // namespace aaci
