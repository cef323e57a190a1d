"""A health endpoint on loopback for the recovery plans' URL waits: /healthy answers 200, /broken
500 (a service that never comes up). Each request is logged to LOG as "<epoch time> <path>"; the
port it listens on is written to PORTFILE once it listens.

usage: health_server.py PORTFILE LOG
"""
import http.server
import os
import sys
import time

STATUS = {'/healthy': 200, '/broken': 500}


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        with open(sys.argv[2], 'a') as handle:
            handle.write('%.6f %s\n' % (time.time(), self.path))
        self.send_response(STATUS.get(self.path, 404))
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


def main():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Health)
    with open(sys.argv[1] + '.tmp', 'w') as handle:
        handle.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + '.tmp', sys.argv[1])
    server.serve_forever()


if __name__ == '__main__':
    main()
