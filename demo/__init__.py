"""The demo beside the product: a deterministic world of five governments (demo.synth, with a writer
per kind of source system) and the agencies' SIASN-style API on loopback (demo.simulator). It
imports the product (etl) to speak its formats; the product never imports it (tests/unit/test_house.py).
`kinerja synth` and `kinerja simulator` come from here (demo.cli, entry points in pyproject.toml)."""
