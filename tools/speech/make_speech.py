"""120 espeak-ng recordings (12 voices, random speed, pitch and word gaps), each also mixed
with noise at 10-30 dB SNR, as real recordings are never silent between words."""

import random
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

SENTENCES = [
    "Beautiful is better than ugly.", "Explicit is better than implicit.",
    "Simple is better than complex.", "Complex is better than complicated.",
    "Flat is better than nested.", "Sparse is better than dense.", "Readability counts.",
    "Errors should never pass silently.", "Now is better than never.",
    "In the face of ambiguity, refuse the temptation to guess.",
    "The weather today is mild with a light breeze from the west.",
    "Please remember to bring your documents to the meeting on Thursday.",
    "In this video I will show you how to assemble the shelf in ten minutes.",
    "Welcome back everyone, thanks for joining the stream tonight.",
    "We drove for hours before we finally reached the little village by the lake.",
    "First, preheat the oven and grease the baking tray with a little butter.",
    "The committee will publish its report at the end of the month.",
    "Can you hear me? Let me know in the comments if the sound is okay.",
]
VOICES = ["en", "en-us", "en-gb-x-rp", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "cs"]
VARIANTS = ["", "+m1", "+m3", "+f1", "+f2", "+f3", "+klatt"]


def speak(path: Path, rng: random.Random, index: int) -> None:
    voice = VOICES[index % len(VOICES)] + rng.choice(VARIANTS)
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rng.randint(130, 200)),
                    "-p", str(rng.randint(25, 75)), "-g", str(rng.randint(0, 15)),
                    "-w", str(path), " ".join(rng.sample(SENTENCES, 12))],
                   check=True, capture_output=True)


def add_noise(source: Path, target: Path, snr_db: float, seed: int) -> None:
    with wave.open(str(source)) as w:
        rate, pcm = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), np.int16)
    speech = pcm.astype(np.float64)
    noise = np.cumsum(np.random.default_rng(seed).normal(size=len(speech)))  # brown-ish hum
    noise = noise - np.convolve(noise, np.ones(512) / 512, mode="same")  # drop the drift
    scale = np.sqrt(np.mean(speech**2) / np.mean(noise**2) / 10 ** (snr_db / 10))
    mixed = np.clip(speech + scale * noise, -32768, 32767).astype(np.int16)
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(mixed.tobytes())


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    for i in range(120):
        clean = out / f"speech{i:03d}.wav"
        speak(clean, rng, i)
        add_noise(clean, out / f"speech{i:03d}-noisy.wav", rng.uniform(10, 30), i)
    print(f"wrote 240 recordings to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
