"""A real SMTP server for the tests: stores every message it receives as a file.

Usage: smtp_sink.py PORT DIRECTORY. Prints "ready" once it accepts connections.
"""
import sys
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class Spool:
    def __init__(self, directory: Path):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        path = self.directory / f"{uuid.uuid4().hex}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(envelope.content)
        tmp.rename(path)
        return "250 Message accepted for delivery"


def main() -> None:
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Spool(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
