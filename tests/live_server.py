"""A live server that ends its keep-alive connections before it lets go of the database.

Django's threaded test server runs each connection in a daemon thread it does not track: a
browser's keep-alive connection outlives `terminate()`, then closes the shared in-memory SQLite
connection from its own thread once the sharing is over (an error at teardown) and leaves its
socket unclosed. Here the server remembers its open requests, shuts their sockets down and joins
their threads before the connection sharing ends.
"""

import contextlib
import socket
import threading

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer


class TrackingWSGIServer(ThreadedWSGIServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._open = {}
        self._open_lock = threading.Lock()

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self._serve, args=(request, client_address), daemon=True)
        with self._open_lock:
            self._open[thread] = request
        thread.start()

    def _serve(self, request, client_address):
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(threading.current_thread(), None)

    def end_requests(self, timeout: float = 10.0) -> None:
        with self._open_lock:
            open_requests = list(self._open.items())
        for _thread, request in open_requests:
            with contextlib.suppress(OSError):  # already closed by the client
                request.shutdown(socket.SHUT_RDWR)
        for thread, _request in open_requests:
            thread.join(timeout)


class TrackingLiveServerThread(LiveServerThread):
    server_class = TrackingWSGIServer

    def terminate(self):
        if hasattr(self, "httpd"):
            self.httpd.shutdown()
            self.httpd.end_requests()
            self.httpd.server_close()
        self.join()


class TrackingLiveServer(LiveServer):
    def __init__(self, addr: str) -> None:
        super().__init__(addr, start=False)
        plain = self.thread
        self.thread = TrackingLiveServerThread(
            plain.host,
            plain.static_handler,
            connections_override=plain.connections_override,
            port=plain.port,
        )
        self.thread.daemon = True
        self.start()
