"""A minimal, fast SMTP sink for benchmarks: accepts everything, keeps only a count.

`python bench/smtp_sink.py PORT [RECIPIENTS_FILE]` serves 127.0.0.1:PORT until SIGTERM, then
prints the number of messages it accepted; with RECIPIENTS_FILE, it also writes there (JSON)
how many messages each recipient address received (bench/soak.py checks "exactly once").
One asyncio protocol per connection and no parsing beyond what SMTP needs (command verbs,
recipients, the end-of-data marker), so the senders are what is measured.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import Counter as Tally

END = b"\r\n.\r\n"


class Counter:
    messages = 0
    recipients: Tally[str] = Tally()


class SinkProtocol(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        self.envelope: list[str] = []
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                # The end marker may start in the previous chunk: search with overlap.
                end = self.buffer.find(END)
                if end < 0:
                    self.buffer = self.buffer[-4:]
                    return
                self.buffer = self.buffer[end + len(END) :]
                self.in_data = False
                Counter.messages += 1
                Counter.recipients.update(self.envelope)
                self.envelope = []
                self.transport.write(b"250 2.0.0 queued\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2 :]
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.transport.write(
                    b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000\r\n"
                )
            elif verb == b"DATA":
                self.in_data = True
                # DATA's own CRLF counts as the start of the end marker's search window.
                self.buffer = b"\r\n" + self.buffer
                self.transport.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
                return
            elif verb == b"RCPT":
                address = line.split(b":", 1)[-1].strip().strip(b"<>")
                self.envelope.append(address.decode("utf-8", "replace").lower())
                self.transport.write(b"250 OK\r\n")
            elif verb in (b"MAIL", b"RSET"):
                self.envelope = []
                self.transport.write(b"250 OK\r\n")
            else:  # HELO, NOOP
                self.transport.write(b"250 OK\r\n")


async def main(port: int, recipients_file: str | None) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(SinkProtocol, "127.0.0.1", port, backlog=128)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()
    if recipients_file:
        with open(recipients_file, "w", encoding="utf-8") as out:
            json.dump(dict(Counter.recipients), out)
    print(Counter.messages, flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
