"""The paper's network: z-scored feature sequence -> one LSTM layer -> fully connected heads.

Heads: 4 quadrant logits, 8 octant logits, and a 2-unit valence/arousal regression.
`pool` averages that many consecutive frames before the LSTM (1 = the paper's frame rate);
`readout` is "last" (the paper: the last time step labels the sequence) or "mean" (the
average of the hidden states over time).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional


@dataclass(frozen=True)
class NetworkConfig:
    features: int
    hidden: int = 64
    pool: int = 4
    readout: str = "mean"
    dropout: float = 0.2

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class EmotionLSTM(nn.Module):
    def __init__(self, config: NetworkConfig) -> None:
        super().__init__()
        if config.readout not in ("last", "mean"):
            raise ValueError(f"readout must be 'last' or 'mean', got {config.readout!r}")
        self.config = config
        self.lstm = nn.LSTM(config.features, config.hidden, batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        self.quadrant = nn.Linear(config.hidden, 4)
        self.octant = nn.Linear(config.hidden, 8)
        self.va = nn.Linear(config.hidden, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if self.config.pool > 1:
            x = functional.avg_pool1d(x.transpose(1, 2), self.config.pool,
                                      self.config.pool).transpose(1, 2)
        states, _ = self.lstm(x)
        summary = states[:, -1] if self.config.readout == "last" else states.mean(dim=1)
        summary = self.dropout(summary)
        return self.quadrant(summary), self.octant(summary), self.va(summary)
