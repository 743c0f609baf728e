"""The paper's network and its extensions: z-scored feature sequence -> one LSTM layer ->
fully connected heads.

Heads: 4 quadrant logits, 8 octant logits, and a 2-unit valence/arousal regression.
Options (the defaults reproduce the paper's shape):
- `pool`: frames averaged per LSTM step (1 = the paper's 50-ms frame rate);
- `pool_stats`: give each step the standard deviation of its frames too (texture-window
  statistics: how much the sound moves within the step, not only its average);
- `readout`: "last" (the paper: the last time step labels the sequence), "mean" (average of
  the hidden states) or "attention" (a learned weighting of the time steps);
- `bidirectional`: run the LSTM both ways;
- `deltas`: append each step's change from the previous step to the LSTM input;
- `clip_stats`: append the clip's mean, standard deviation and mean absolute change of every
  input feature to what the heads see (texture statistics over the whole segment).
Everything is inside the graph, so the exported ONNX model takes plain z-scored frames.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional

READOUTS = ("last", "mean", "attention")


@dataclass(frozen=True)
class NetworkConfig:
    features: int
    hidden: int = 64
    pool: int = 4
    pool_stats: bool = False
    readout: str = "mean"
    dropout: float = 0.2
    bidirectional: bool = False
    deltas: bool = False
    clip_stats: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class EmotionLSTM(nn.Module):
    def __init__(self, config: NetworkConfig) -> None:
        super().__init__()
        if config.readout not in READOUTS:
            raise ValueError(f"readout must be one of {READOUTS}, got {config.readout!r}")
        self.config = config
        steps_in = config.features * (2 if config.pool_stats else 1) * (2 if config.deltas else 1)
        self.lstm = nn.LSTM(steps_in, config.hidden, batch_first=True,
                            bidirectional=config.bidirectional)
        states = config.hidden * (2 if config.bidirectional else 1)
        self.attention = nn.Linear(states, 1) if config.readout == "attention" else None
        summary = states + (3 * config.features if config.clip_stats else 0)
        self.dropout = nn.Dropout(config.dropout)
        self.quadrant = nn.Linear(summary, 4)
        self.octant = nn.Linear(summary, 8)
        self.va = nn.Linear(summary, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        steps = self._steps(x)
        states, _ = self.lstm(steps)
        summary = self._readout(states)
        if self.config.clip_stats:
            change = (x[:, 1:] - x[:, :-1]).abs().mean(dim=1)
            summary = torch.cat([summary, x.mean(dim=1), x.std(dim=1), change], dim=1)
        summary = self.dropout(summary)
        return self.quadrant(summary), self.octant(summary), self.va(summary)

    def _steps(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.pool > 1:
            x = self._pooled(x)
        if self.config.deltas:
            change = torch.cat([torch.zeros_like(x[:, :1]), x[:, 1:] - x[:, :-1]], dim=1)
            x = torch.cat([x, change], dim=2)
        return x

    def _pooled(self, x: torch.Tensor) -> torch.Tensor:
        size = self.config.pool
        mean = functional.avg_pool1d(x.transpose(1, 2), size, size)
        if not self.config.pool_stats:
            return mean.transpose(1, 2)
        square = functional.avg_pool1d((x * x).transpose(1, 2), size, size)
        std = torch.sqrt(torch.clamp(square - mean * mean, min=1e-6))
        return torch.cat([mean, std], dim=1).transpose(1, 2)

    def _readout(self, states: torch.Tensor) -> torch.Tensor:
        if self.config.readout == "last":
            return states[:, -1]
        if self.attention is None:
            return states.mean(dim=1)
        weights = torch.softmax(self.attention(states), dim=1)
        return (weights * states).sum(dim=1)
