"""The agencies' API simulator: a SIASN-style REST API (and an SKM app API) on loopback.

It serves the files the writer demo.synth.writers.siasn_api puts under the sources folder, with
OAuth2 client-credentials tokens, pagination, rate limits and injectable faults
(demo.simulator.server, shape in etl.sources.siasn_contract).

In-process (tests, `kinerja run`):     handle = start_background(data_dir, port=0, **faults)
                                       handle.url ... handle.stop()
As a process (the Airflow scheduler):  url = start_process(data_dir, port=8765); stop_process()
                                       or: python -m demo.simulator --data DIR --port P
"""

from demo.simulator.process import running, start_process, stop_process
from demo.simulator.server import Faults, SimulatorHandle, start_background

__all__ = ["Faults", "SimulatorHandle", "running", "start_background", "start_process", "stop_process"]
