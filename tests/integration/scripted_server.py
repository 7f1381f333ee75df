"""A stdlib TCP server on a free loopback port that answers every request with `reply(request)`.

For client tests that need a server misbehaving in a chosen way (garbage, bad CRC, short replies,
colliding replies): `reply` gets the bytes of one recv() and returns the bytes to send back (b""
sends nothing: nobody is there). One connection at a time; every wait is bounded.
"""
import socket
import threading


class ScriptedServer:
    def __init__(self, reply):
        self.reply = reply
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            try:
                while True:
                    request = conn.recv(260)
                    if not request:
                        return
                    answer = self.reply(request)
                    if answer:
                        conn.sendall(answer)
            except OSError:
                return

    def close(self):
        self.listener.close()
        self.thread.join(10)
