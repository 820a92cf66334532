// The client side of an audio driver's stream queue, shared by drivers/sb16 and drivers/pl041:
// a write of `bytes` meant for stream position `pos` enters the ring after what it holds already.
// Its first bytes are skipped when the ring has them (a client that writes again after a restart
// answered it late), what does not fit waits for the client's next try, and the copy goes in
// steps of at most `step_bytes` with `step()` between them (arc::fault_step: a fault injected in
// the middle of a copy), before one store commits it: `*taken` grows only once the bytes are in.
#pragma once
#include <stdint.h>
#include <string.h>

namespace audio_ring {

// queue: the ring (queue_bytes); *taken: stream bytes ever put in; consumed: stream bytes that
// have left it (played, or handed to the device); frame: bytes per frame. False, nothing taken,
// when the write is not whole frames or leaves a gap after *taken.
// W: the drivers' word (32 bits on the boards, the host's long in the host tests).
template <class W, class Step>
bool take(uint8_t *queue, W queue_bytes, W *taken, W consumed, W frame, W step_bytes,
               const uint8_t *src, W bytes, W pos, Step step) {
  if (bytes % frame || pos % frame || pos > *taken) return false;
  const W skip = *taken - pos;
  W take = bytes > skip ? bytes - skip : 0;
  const W room = queue_bytes - (*taken - consumed);
  if (take > room) take = room - room % frame;
  src += bytes > skip ? skip : bytes;
  for (W done = 0; done < take;) {
    step();
    const W p = (*taken + done) % queue_bytes;
    W n = take - done;
    if (n > step_bytes) n = step_bytes;
    if (n > queue_bytes - p) n = queue_bytes - p;
    memcpy(queue + p, src + done, n);
    done += n;
  }
  *taken += take;   // the commit: the bytes are the driver's from here on
  return true;
}

} // namespace audio_ring
