"""A mosquitto broker for tests: /usr/sbin/mosquitto on a free loopback port with a generated
config (listener PORT 127.0.0.1, allow_anonymous true unless a password file is given; TLS when
given a CA, certificate and key), started and stopped by PID; publishing through mosquitto_pub
(Debian mosquitto-clients)."""
import os
import pwd
import signal
import socket
import subprocess
import time

MOSQUITTO = "/usr/sbin/mosquitto"
START_TIMEOUT_S = 10.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, work_dir, port=None, password_file=None, tls=None):
        """`password_file`: a mosquitto_passwd file (anonymous clients are refused then);
        `tls`: (cafile, certfile, keyfile) of a TLS listener."""
        self.work_dir = work_dir
        self.port = port or free_port()
        self.config = os.path.join(work_dir, f"mosquitto-{self.port}.conf")
        lines = [f"listener {self.port} 127.0.0.1", "persistence false"]
        if tls:
            lines += [f"cafile {tls[0]}", f"certfile {tls[1]}", f"keyfile {tls[2]}"]
        if password_file:
            lines += [f"password_file {password_file}", "allow_anonymous false"]
        else:
            lines.append("allow_anonymous true")
        if password_file or tls:
            # Run as whoever runs the tests: started as root, mosquitto would change to the
            # user "mosquitto", which cannot read the test's private files.
            lines.append(f"user {pwd.getpwuid(os.getuid()).pw_name}")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log_path = os.path.join(work_dir, f"mosquitto-{self.port}.log")
        self.process = None
        self.start()

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen([MOSQUITTO, "-c", self.config], stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"mosquitto exited {self.process.returncode}: "
                                     f"{open(self.log_path).read()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError(f"mosquitto did not listen on {self.port} within {START_TIMEOUT_S} s")

    def stop(self):
        """SIGTERM by PID and a bounded wait."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def publish(self, topic, payload, client_args=()):
        """`client_args`: mosquitto_pub's options for credentials or TLS (-u, -P, --cafile)."""
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-t", topic,
                        "-m", payload, *client_args], check=True, timeout=10, capture_output=True)
