"""python -m demo.simulator --data DIR --port P [--faults JSON] [--state-file F]"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path

from demo.simulator.server import Faults, make_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.simulator",
                                     description="SIASN-style REST API and SKM app API over the demo world's files.")
    parser.add_argument("--data", type=Path, default=None, help="the sources folder (default: KINERJA_SOURCES_DIR or data/sources)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--faults", default="{}", help='fault plan as JSON, e.g. \'{"rate_limit_every": 10, "retry_after": "1"}\'')
    parser.add_argument("--state-file", type=Path, default=None, help="write url, pid and folder here once listening")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s")
    if args.data is None:
        from etl.config import sources_dir

        args.data = sources_dir()
    faults = Faults.from_kwargs(**json.loads(args.faults))
    server, _ = make_server(args.data, args.host, args.port, faults)
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}"
    if args.state_file:
        args.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.state_file.with_name(f".{args.state_file.name}.tmp")
        tmp.write_text(json.dumps({"url": url, "pid": os.getpid(), "dataDir": str(Path(args.data).resolve())}) + "\n",
                       encoding="utf-8")
        os.replace(tmp, args.state_file)

    def terminate(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    logging.getLogger("demo.simulator").info("serving %s on %s", args.data, url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if args.state_file:
            try:
                info = json.loads(args.state_file.read_text(encoding="utf-8"))
                if info.get("pid") == os.getpid():
                    args.state_file.unlink()
            except (OSError, ValueError):
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
