#!/usr/bin/python3
"""Aligns what QEMU recorded from the Sound Blaster 16 (-audiodev wav) with the sound the wave
player played (tests/qemu/devices, ia32-audio*), and fails unless every sample of the source is
in the recording, in order, none lost and none repeated, with nothing but silence between them.
Every stretch of silence inserted inside the stream (a driver restart that let the card run out
of data) is printed with its place and length; one longer than --max-gap-ms fails the check.

    check-audio.py SOURCE.wav RECORDING.wav [--max-gap-ms 50] [--restarts N] [--log LOG]

--restarts N: the number of driver restarts the scenario made; the report then says the
silence per restart. --log LOG: the scenario's serial log; the silence the driver says it
inserted (the wave player's last line, "N bytes of silence inserted") must be the silence found
inside the recording. Exit status 0: aligned; 1: not."""
import argparse
import re
import sys
import wave

PLAYED = re.compile(r"^WAVEPLAY: played .*, (\d+) bytes of silence inserted", re.M)


def frames_of(path):
    """(rate, sample width, channels, list of frames as bytes). Reads the data chunk itself
    when the header's sizes were never filled in (QEMU killed before it closed the file)."""
    with wave.open(path, "rb") as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        data = w.readframes(w.getnframes())
    with open(path, "rb") as f:
        raw = f.read()
    at = raw.find(b"data")
    if at >= 0 and len(raw) - (at + 8) > len(data):
        data = raw[at + 8:]
    size = width * channels
    return rate, width, channels, [data[i:i + size] for i in range(0, len(data) - size + 1, size)]


def to_mono(frames, width):
    """A stereo recording of a mono source (QEMU's mixing engine sums the channels of a mono
    output, so the scenarios record in stereo): both channels must be the same; the left one."""
    out = []
    for i, f in enumerate(frames):
        if f[:width] != f[width:]:
            return i, None
        out.append(f[:width])
    return None, out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source")
    p.add_argument("recording")
    p.add_argument("--max-gap-ms", type=float, default=50.0)
    p.add_argument("--restarts", type=int, default=None)
    p.add_argument("--log")
    a = p.parse_args(argv[1:])
    try:
        rate, width, channels, src = frames_of(a.source)
        rrate, rwidth, rchannels, rec = frames_of(a.recording)
    except (OSError, EOFError, wave.Error) as e:
        print("check-audio: FAIL cannot read the WAV files: %s" % e)
        return 1
    if (rrate, rwidth, rchannels, channels) == (rate, width, 2, 1):
        bad, rec = to_mono(rec, width)
        if rec is None:
            print("check-audio: FAIL recorded frame %d has two different channels; the source is "
                  "mono" % bad)
            return 1
    elif (rate, width, channels) != (rrate, rwidth, rchannels):
        print("check-audio: FAIL the recording is %d Hz, %d bytes, %d channel(s); the source %d Hz, "
              "%d bytes, %d channel(s)" % (rrate, rwidth, rchannels, rate, width, channels))
        return 1
    silence = (b"\x80" if width == 1 else b"\x00" * width) * channels
    if silence in src:
        print("check-audio: FAIL the source holds silence; it cannot be aligned")
        return 1
    j = 0            # the next source frame expected
    gaps = []        # (source frame before which it came, frames of silence)
    run = 0
    for i, frame in enumerate(rec):
        if j < len(src) and frame == src[j]:
            if run and j:
                gaps.append((j, run))
            run = 0
            j += 1
        elif frame == silence:
            run += 1
        elif j == len(src):
            print("check-audio: FAIL after the whole source, recorded frame %d is %s, not silence"
                  % (i, frame.hex()))
            return 1
        else:
            was = src.index(frame) if frame in src else None
            print("check-audio: FAIL recorded frame %d (%.3f s) is %s; source frame %d (%s) was "
                  "expected: %s" % (i, i / rate, frame.hex(), j, src[j].hex(),
                                    "not in the source" if was is None else
                                    "it is source frame %d, %s" % (was, "repeated" if was < j
                                                                   else "frames lost before it")))
            return 1
    if j < len(src):
        print("check-audio: FAIL the recording ends after %d of the %d source frames (%.3f s of "
              "%.3f s)" % (j, len(src), j / rate, len(src) / rate))
        return 1
    worst = max((n for _, n in gaps), default=0) * 1000.0 / rate
    total = sum(n for _, n in gaps) * 1000.0 / rate
    print("check-audio: all %d source frames recorded in order, none repeated (%d frames recorded)"
          % (len(src), len(rec)))
    for at, n in gaps:
        print("check-audio: %.1f ms of silence inserted before source frame %d (%.3f s)"
              % (n * 1000.0 / rate, at, at / rate))
    print("check-audio: %d gap(s) inside the stream, %.1f ms in all, longest %.1f ms"
          % (len(gaps), total, worst))
    if a.restarts:
        print("check-audio: %d restart(s): %.1f ms of silence per restart on average"
              % (a.restarts, total / a.restarts))
    if a.log:
        with open(a.log, encoding="utf-8", errors="replace") as f:
            said = PLAYED.findall(f.read())
        if not said:
            print("check-audio: FAIL %s has no line of the wave player saying what silence the "
                  "driver inserted" % a.log)
            return 1
        found = sum(n for _, n in gaps) * width * channels
        print("check-audio: the driver inserted %s bytes of silence, the recording has %d inside "
              "the stream" % (said[-1], found))
        if int(said[-1]) != found:
            print("check-audio: FAIL the driver's count and the recording disagree")
            return 1
    if worst > a.max_gap_ms:
        print("check-audio: FAIL a gap of %.1f ms is longer than %.1f ms" % (worst, a.max_gap_ms))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
