#!/usr/bin/python3
"""Writes a test sound for the wave player (apps/waveplay, tests/qemu/devices ia32-audio*) whose
every frame tells where it is in the file, so that check-audio.py can align a recording with it.

  16-bit (default: mono, 22050 Hz): sample i is 1 + (i mod 32000), a ramp that never reaches 0
  (silence); no two samples closer than 32000 are equal.
  8-bit (unsigned, stereo): left 1 + (i mod 127), right 129 + ((i div 127) mod 127); never the
  silence frame (128, 128); no two frames closer than 16129 are equal.

A repeated or lost stretch shorter than that period shows as a frame out of order.

    make-wave.py OUT.wav [SECONDS] [--bits 8|16] [--channels 1|2] [--rate HZ]"""
import argparse
import struct
import sys
import wave

RATE = 22050
PERIOD = 32000


def sample(i):
    return 1 + i % PERIOD


def frame8(i, channels):
    left, right = 1 + i % 127, 129 + (i // 127) % 127
    return bytes([left, right][:channels]) if channels == 2 else bytes([left])


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("seconds", nargs="?", type=float, default=4.0)
    p.add_argument("--bits", type=int, choices=(8, 16), default=16)
    p.add_argument("--channels", type=int, choices=(1, 2), default=1)
    p.add_argument("--rate", type=int, default=RATE)
    a = p.parse_args(argv[1:])
    n = int(a.rate * a.seconds)
    with wave.open(a.out, "wb") as w:
        w.setnchannels(a.channels)
        w.setsampwidth(a.bits // 8)
        w.setframerate(a.rate)
        if a.bits == 16:
            w.writeframes(b"".join(struct.pack("<h", sample(i)) * a.channels for i in range(n)))
        else:
            w.writeframes(b"".join(frame8(i, a.channels) for i in range(n)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
