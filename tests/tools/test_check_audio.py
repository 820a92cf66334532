"""tests/qemu/devices/check-audio.py, the audio scenarios' check, on recordings made here: a
faithful one passes, and each way a recording can be wrong (a repeated stretch, a lost one, a gap
of silence over the bound, the end missing, channels that differ) fails with its reason."""
import contextlib
import importlib.util
import io
import os
import struct
import tempfile
import unittest
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
DEVICES = os.path.join(HERE, "..", "qemu", "devices")


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(DEVICES, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = load("check_audio", "check-audio.py")
make = load("make_wave", "make-wave.py")


class CheckAudio(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.source = os.path.join(self.tmp.name, "ramp.wav")
        make.main(["make-wave.py", self.source, "1"])
        with wave.open(self.source, "rb") as w:
            data = w.readframes(w.getnframes())
        self.samples = list(struct.unpack("<%dh" % (len(data) // 2), data))

    def tearDown(self):
        self.tmp.cleanup()

    def run_check(self, samples, right=None, extra=()):
        """Records `samples` as QEMU does (stereo, both channels alike unless `right` is given)
        and runs the check; (exit status, what it printed)."""
        path = os.path.join(self.tmp.name, "rec.wav")
        right = samples if right is None else right
        with wave.open(path, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(make.RATE)
            w.writeframes(b"".join(struct.pack("<hh", l, r) for l, r in zip(samples, right)))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = check.main(["check-audio.py", self.source, path] + list(extra))
        return status, out.getvalue()

    def silence(self, ms):
        return [0] * int(make.RATE * ms / 1000)

    def test_faithful_recording_passes(self):
        status, said = self.run_check(self.silence(100) + self.samples + self.silence(200))
        self.assertEqual(status, 0, said)
        self.assertIn("all 22050 source frames recorded in order", said)
        self.assertIn("0 gap(s)", said)

    def test_gaps_are_measured_and_bounded(self):
        s = self.samples
        status, said = self.run_check(s[:5000] + self.silence(30) + s[5000:], extra=["--restarts", "1"])
        self.assertEqual(status, 0, said)
        self.assertIn("30.0 ms of silence inserted before source frame 5000", said)
        self.assertIn("30.0 ms of silence per restart", said)
        status, said = self.run_check(s[:5000] + self.silence(60) + s[5000:])
        self.assertEqual(status, 1, said)
        self.assertIn("FAIL a gap of 60.0 ms is longer than 50.0 ms", said)

    def test_driver_count_must_match_the_recording(self):
        s = self.samples
        gap = self.silence(30)
        log = os.path.join(self.tmp.name, "run.log")
        for said, status in ((len(gap) * 2, 0), (len(gap) * 2 + 2, 1), (None, 1)):
            with open(log, "w", encoding="utf-8") as f:
                f.write("[sb16] ready\n")
                if said is not None:
                    f.write("WAVEPLAY: played 44100 of 44100 bytes of the boot module, %d bytes of "
                            "silence inserted, 0 driver restart(s)\n" % said)
            got, out = self.run_check(s[:5000] + gap + s[5000:], extra=["--log", log])
            self.assertEqual(got, status, out)
        self.assertIn("no line of the wave player", out)

    def test_repeated_stretch_fails(self):
        s = self.samples
        status, said = self.run_check(s[:8000] + s[7000:8000] + s[8000:])
        self.assertEqual(status, 1, said)
        self.assertIn("it is source frame 7000, repeated", said)

    def test_lost_stretch_fails(self):
        s = self.samples
        status, said = self.run_check(s[:8000] + s[8100:])
        self.assertEqual(status, 1, said)
        self.assertIn("frames lost before it", said)

    def test_lost_end_fails(self):
        status, said = self.run_check(self.samples[:-10] + self.silence(10))
        self.assertEqual(status, 1, said)
        self.assertIn("the recording ends after 22040 of the 22050 source frames", said)

    def test_channels_that_differ_fail(self):
        right = list(self.samples)
        right[300] += 1
        status, said = self.run_check(self.samples, right=right)
        self.assertEqual(status, 1, said)
        self.assertIn("recorded frame 300 has two different channels", said)


if __name__ == "__main__":
    unittest.main()
