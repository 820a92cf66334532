#!/usr/bin/python3
"""Writes the wave player's test sound (apps/waveplay, tests/qemu/devices ia32-audio*): 16-bit
mono PCM at 22050 Hz whose every sample tells where it is in the file, so that check-audio.py can
align a recording with it. Sample i is 1 + (i mod 32000): a ramp that never reaches 0 (silence),
and no two samples closer than 32000 (1.45 s) are equal, so a repeated or lost stretch shorter
than that shows as a sample out of order.

    make-wave.py OUT.wav [SECONDS]"""
import struct
import sys
import wave

RATE = 22050
PERIOD = 32000


def sample(i):
    return 1 + i % PERIOD


def main(argv):
    out = argv[1]
    seconds = float(argv[2]) if len(argv) > 2 else 4.0
    n = int(RATE * seconds)
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack("<%dh" % n, *(sample(i) for i in range(n))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
