"""boneimu.metrics: per-rep, per-hold and per-session measures. Pure array functions.

- :mod:`~boneimu.metrics.smoothness`: SPARC, LDLJ-V, LDLJ-A (per rep; "jerky").
- :mod:`~boneimu.metrics.impact`: peak resultant acceleration (g incl. gravity), impact bins,
  osteogenic index, daily stress stimulus, indicative loading rate, clipping.
- :mod:`~boneimu.metrics.grf`: peak ground-reaction force from published regressions.
- :mod:`~boneimu.metrics.sway`: ISway-style balance measures and a 0-100 sway score.
- :mod:`~boneimu.metrics.sts_power`: Alcazar sit-to-stand power; vertical kinematics.
- :mod:`~boneimu.metrics.tempo`: "rushed" rep checks.
"""
