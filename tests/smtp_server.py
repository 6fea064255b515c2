"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests of the notices by e-mail: it keeps
what it is sent in `messages`, and refuses for good (550) the recipients in `refused`."""

import email
import email.policy
import socket
from contextlib import closing

from aiosmtpd.controller import Controller

# The ports the tests may listen on.
PORTS = range(8025, 8030)


def free_port():
    """A port of PORTS that nothing listens on now."""
    for port in PORTS:
        with closing(socket.socket()) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


class Inbox:
    """aiosmtpd's handler: the messages received, parsed, with their envelope recipients."""

    def __init__(self, refused=()):
        self.messages = []
        self.refused = {address.lower() for address in refused}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return f"550 5.1.1 <{address}>: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address):
        """The messages received for `address`."""
        return [m for recipients, m in self.messages if address in recipients]


class SMTPServer:
    """Started with start() (on `port`, or a free one), stopped with stop()."""

    def __init__(self, port=None, refused=()):
        self.inbox = Inbox(refused)
        self.port = port or free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


def silent_server():
    """A socket that accepts connections and never answers: a mail server that hangs. (The
    socket, its port.)"""
    listener = socket.socket()
    listener.bind(("127.0.0.1", free_port()))
    listener.listen(16)
    return listener, listener.getsockname()[1]
