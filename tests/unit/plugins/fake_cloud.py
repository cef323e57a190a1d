# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test doubles: a scripted HTTP session and a small in-memory EVS cloud (no network)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools
import json
import re

try:
    from urllib.parse import urlsplit, parse_qsl
except ImportError:  # pragma: no cover
    from urlparse import urlsplit, parse_qsl  # type: ignore

IAM = 'https://iam.test/v3'
PROJECT_ID = '0391e4486e864c26be5654c522f440f2'
EVS_URL = 'https://evs.test/v2/' + PROJECT_ID
TOKEN = 'MIItoken-secret-value-123'
DATE = 'Wed, 25 Nov 2026 10:00:00 GMT'


class FakeResponse:
    def __init__(self, status, body=None, headers=None, text=None):
        self.status_code = status
        self.headers = {'Date': DATE}
        self.headers.update(headers or {})
        self._body = body
        if text is not None:
            self.text = text
        else:
            self.text = json.dumps(body) if body is not None else ''
        self.content = self.text.encode('utf-8')
        self.reason = 'reason %d' % status

    def json(self):
        if self._body is None:
            return json.loads(self.text)
        return self._body


class Request:
    def __init__(self, method, url, headers, data):
        self.method = method
        self.url = url
        parts = urlsplit(url)
        self.path = parts.path
        self.params = dict(parse_qsl(parts.query))
        self.headers = headers
        self.body = json.loads(data) if data else None

    @property
    def mutating(self):
        return self.method not in ('GET', 'HEAD') and not self.path.endswith('/auth/tokens')

    def __repr__(self):
        return '%s %s' % (self.method, self.url)


class RecordingSession:
    """A requests.Session look-alike that keeps every request it is given."""

    def __init__(self):
        self.requests = []
        self.verify = True

    @property
    def mutating(self):
        return [r for r in self.requests if r.mutating]

    def record(self, method, url, headers, data):
        self.requests.append(Request(method, url, headers or {}, data))
        return self.requests[-1]


class ScriptedSession:
    """Answers with the responses (or exceptions) given, in order; records every request."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        self.verify = True

    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=True):
        self.requests.append(Request(method, url, headers, data))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer(self.requests[-1])
        return answer


def token_response(catalog=None, project_id=PROJECT_ID):
    if catalog is None:
        catalog = [{'type': 'volumev2', 'name': 'cinderv2', 'endpoints': [
            {'interface': 'public', 'region': 'eu-de', 'region_id': 'eu-de', 'url': EVS_URL}]}]
    body = {'token': {'methods': ['password'], 'catalog': catalog,
                      'project': {'id': project_id, 'name': 'eu-de'}}}
    return FakeResponse(201, body, {'X-Subject-Token': TOKEN})


def password_settings(**extra):
    settings = {'auth': {'auth_url': IAM, 'username': 'alice', 'password': 'pa55word-secret',
                         'user_domain_name': 'OTC-DOMAIN', 'project_name': 'eu-de'},
                'region': 'eu-de', 'endpoints': {}, 'validate_certs': True, 'timeout': 30}
    settings.update(extra)
    return settings


class FakeCloud(RecordingSession):
    """An in-memory EVS behind Keystone, reachable through ``request()`` like a requests.Session.

    Resources are created ``creating`` and become ``available`` on the next GET (likewise
    ``deleting`` -> gone, ``rollbacking`` -> ``available``, ``extending`` -> back).
    """

    def __init__(self):
        super().__init__()
        self.volumes = {}
        self.snapshots = {}
        self._ids = itertools.count(1)
        # (method, path regex, FakeResponse | exception | callable(request)) used once instead
        self.fail_next = []

    def new_id(self):
        return '%08d-0000-4000-8000-%012d' % (next(self._ids), 0)

    # helpers for tests
    def add_volume(self, name, status='available', size=10, az='eu-de-01', **extra):
        vid = self.new_id()
        volume = {'id': vid, 'name': name, 'description': None, 'status': status, 'size': size,
                  'availability_zone': az, 'volume_type': 'SATA', 'bootable': 'false', 'encrypted': False,
                  'multiattach': False, 'metadata': {}, 'snapshot_id': None, 'source_volid': None,
                  'attachments': [], 'created_at': '2026-11-25T09:00:%02d.000000' % len(self.volumes),
                  'updated_at': None, 'links': [], 'user_id': 'u1',
                  'os-vol-host-attr:host': 'az1.dc1#SATA'}
        if status == 'in-use':
            volume['attachments'] = [{'server_id': 'srv-1', 'volume_id': vid, 'device': '/dev/vdb'}]
        volume.update(extra)
        self.volumes[vid] = volume
        return volume

    def add_snapshot(self, volume, name, status='available', created_at=None, **extra):
        sid = self.new_id()
        snapshot = {'id': sid, 'name': name, 'description': None, 'status': status, 'size': volume['size'],
                    'volume_id': volume['id'], 'metadata': {},
                    'created_at': created_at or '2026-11-25T10:00:%02d.000000' % len(self.snapshots),
                    'updated_at': None, 'os-extended-snapshot-attributes:progress': '100%'}
        snapshot.update(extra)
        self.snapshots[sid] = snapshot
        return snapshot

    # the session interface
    def request(self, method, url, data=None, headers=None, timeout=None, allow_redirects=True):
        req = self.record(method, url, headers, data)
        for i, (fmethod, pattern, response) in enumerate(self.fail_next):
            if fmethod == method and re.search(pattern, req.path):
                del self.fail_next[i]
                if isinstance(response, BaseException):
                    raise response
                if callable(response):
                    return response(req)
                return response
        if req.path == '/v3/auth/tokens' and method == 'POST':
            return token_response()
        if headers.get('X-Auth-Token') != TOKEN:
            return FakeResponse(401, {'error_code': 'APIGW.0301', 'error_msg': 'bad token'})
        prefix = '/v2/' + PROJECT_ID
        assert req.path.startswith(prefix), req.path
        path = req.path[len(prefix):]
        for pattern, handler in self.routes():
            match = re.match('^%s$' % pattern, '%s %s' % (method, path))
            if match:
                return handler(req, *match.groups())
        return FakeResponse(404, {'itemNotFound': {'message': 'no route %s %s' % (method, path), 'code': 404}})

    def routes(self):
        return [
            (r'GET /volumes/detail', self.list_volumes),
            (r'GET /os-availability-zone', self.list_zones),
            (r'GET /types', self.list_types),
            (r'POST /volumes', self.create_volume),
            (r'GET /volumes/([^/]+)', self.get_volume),
            (r'PUT /volumes/([^/]+)', self.update_volume),
            (r'DELETE /volumes/([^/]+)', self.delete_volume),
            (r'(?:PUT|POST) /volumes/([^/]+)/metadata', self.volume_metadata),
            (r'POST /volumes/([^/]+)/action', self.volume_action),
            (r'GET /snapshots/detail', self.list_snapshots),
            (r'POST /snapshots', self.create_snapshot),
            (r'GET /snapshots/([^/]+)', self.get_snapshot),
            (r'PUT /snapshots/([^/]+)', self.update_snapshot),
            (r'DELETE /snapshots/([^/]+)', self.delete_snapshot),
            (r'PUT /snapshots/([^/]+)/metadata', self.snapshot_metadata),
            (r'POST /os-vendor-snapshots/([^/]+)/rollback', self.rollback),
        ]

    @staticmethod
    def _not_found(kind, rid):
        return FakeResponse(404, {'itemNotFound': {'message': '%s %s could not be found.' % (kind, rid), 'code': 404}})

    @staticmethod
    def _bad(code, message):
        return FakeResponse(400, {'error': {'code': code, 'message': message}})

    @staticmethod
    def _settle(obj, kind):
        if obj.get('_pending'):  # stays in its status for this many more reads
            obj['_pending'] -= 1
            return False
        transitions = {'creating': 'available', 'rollbacking': 'available', 'extending': 'available'}
        if obj['status'] in transitions:
            obj['status'] = transitions[obj['status']]
            return False
        return obj['status'] == 'deleting'

    def _page(self, items, key, params):
        items = sorted(items, key=lambda o: o['created_at'], reverse=True)
        for field in ('name', 'status', 'availability_zone', 'volume_id'):
            if params.get(field):
                items = [o for o in items if o.get(field) == params[field]]
        if params.get('marker'):
            ids = [o['id'] for o in items]
            items = items[ids.index(params['marker']) + 1:]
        body = {key: copy.deepcopy(items)}
        limit = int(params.get('limit') or 2)  # small pages so paging is exercised
        if len(items) > limit:
            body[key] = copy.deepcopy(items[:limit])
            body[key + '_links'] = [{'rel': 'next', 'href': '%s/%s/detail?limit=%d&marker=%s' % (
                EVS_URL, key, limit, items[limit - 1]['id'])}]
        return FakeResponse(200, body)

    # zones and types
    zones = {'eu-de-01': True, 'eu-de-02': True, 'eu-de-03': False}

    def list_zones(self, req):
        return FakeResponse(200, {'availabilityZoneInfo': [
            {'zoneName': name, 'zoneState': {'available': up}} for name, up in sorted(self.zones.items())]})

    def list_types(self, req):
        return FakeResponse(200, {'volume_types': [{'id': n.lower(), 'name': n} for n in ('SATA', 'SAS', 'SSD')]})

    # volumes
    def _volume(self, vid):
        volume = self.volumes.get(vid)
        if volume is not None and self._settle(volume, 'volume'):
            del self.volumes[vid]
            return None
        return volume

    def list_volumes(self, req):
        for vid in list(self.volumes):
            self._volume(vid)
        return self._page(self.volumes.values(), 'volumes', req.params)

    def get_volume(self, req, vid):
        volume = self._volume(vid)
        if volume is None:
            return self._not_found('Volume', vid)
        return FakeResponse(200, {'volume': copy.deepcopy(volume)})

    def create_volume(self, req):
        fields = req.body['volume']
        volume = self.add_volume(fields.get('name'), status='creating', size=fields.get('size'),
                                 az=fields.get('availability_zone'))
        for key in ('description', 'volume_type', 'metadata', 'snapshot_id', 'multiattach'):
            if key in fields:
                volume[key] = fields[key]
        return FakeResponse(202, {'volume': copy.deepcopy(volume)})

    def update_volume(self, req, vid):
        volume = self._volume(vid)
        if volume is None:
            return self._not_found('Volume', vid)
        volume.update(req.body['volume'])
        return FakeResponse(200, {'volume': copy.deepcopy(volume)})

    def delete_volume(self, req, vid):
        volume = self._volume(vid)
        if volume is None:
            return self._not_found('Volume', vid)
        if volume['status'] not in ('available', 'error'):
            return self._bad('EVS.1046', 'volume status must be available')
        snaps = [s for s in self.snapshots.values() if s['volume_id'] == vid]
        if snaps and req.params.get('cascade') != 'true':
            return FakeResponse(400, {'badRequest': {'message': 'Volume still has %d dependent snapshots.'
                                                     % len(snaps), 'code': 400}})
        for snap in snaps:
            del self.snapshots[snap['id']]
        volume['status'] = 'deleting'
        return FakeResponse(202)

    def volume_metadata(self, req, vid):
        volume = self._volume(vid)
        if req.method == 'PUT':
            volume['metadata'] = dict(req.body['metadata'])
        else:
            volume['metadata'].update(req.body['metadata'])
        return FakeResponse(200, {'metadata': dict(volume['metadata'])})

    def volume_action(self, req, vid):
        volume = self._volume(vid)
        new_size = req.body['os-extend']['new_size']
        if new_size <= volume['size']:
            return self._bad('EVS.1010', 'new size must be bigger')
        volume['size'] = new_size
        volume['status'] = 'extending'
        return FakeResponse(202)

    # snapshots
    def _snapshot(self, sid):
        snapshot = self.snapshots.get(sid)
        if snapshot is not None and self._settle(snapshot, 'snapshot'):
            del self.snapshots[sid]
            return None
        return snapshot

    def list_snapshots(self, req):
        for sid in list(self.snapshots):
            self._snapshot(sid)
        return self._page(self.snapshots.values(), 'snapshots', req.params)

    def get_snapshot(self, req, sid):
        snapshot = self._snapshot(sid)
        if snapshot is None:
            return self._not_found('Snapshot', sid)
        return FakeResponse(200, {'snapshot': copy.deepcopy(snapshot)})

    def create_snapshot(self, req):
        fields = req.body['snapshot']
        volume = self.volumes.get(fields['volume_id'])
        if volume is None:
            return self._not_found('Volume', fields['volume_id'])
        if volume['status'] == 'in-use' and not fields.get('force'):
            return FakeResponse(400, {'badRequest': {'message': 'volume is in-use', 'code': 400}})
        # the real cloud's per-disk rules (emulator README "Limits of the real cloud")
        mine = [s for s in self.snapshots.values() if s['volume_id'] == volume['id']
                and not (s.get('name') or '').startswith('autobk_snapshot_')]
        if any(s['status'] == 'creating' for s in mine) or len(mine) >= 7:
            return FakeResponse(400, {'badRequest': {'message': 'one snapshot at a time, at most 7', 'code': 400}})
        snapshot = self.add_snapshot(volume, fields.get('name'), status='creating',
                                     created_at='2026-11-25T11:00:%02d.000000' % len(self.snapshots))
        snapshot['description'] = fields.get('description')
        snapshot['metadata'] = dict(fields.get('metadata') or {})
        return FakeResponse(202, {'snapshot': copy.deepcopy(snapshot)})

    def update_snapshot(self, req, sid):
        snapshot = self._snapshot(sid)
        snapshot.update(req.body['snapshot'])
        return FakeResponse(200, {'snapshot': copy.deepcopy(snapshot)})

    def delete_snapshot(self, req, sid):
        snapshot = self._snapshot(sid)
        if snapshot is None:
            return self._not_found('Snapshot', sid)
        snapshot['status'] = 'deleting'
        return FakeResponse(202)

    def snapshot_metadata(self, req, sid):
        snapshot = self._snapshot(sid)
        snapshot['metadata'] = dict(req.body['metadata'])
        return FakeResponse(200, {'metadata': dict(snapshot['metadata'])})

    def rollback(self, req, sid):
        snapshot = self._snapshot(sid)
        volume = self._volume(req.body['rollback']['volume_id'])
        if volume['status'] not in ('available', 'error_rollbacking'):
            return self._bad('EVS.2046', 'volume status must be available')
        volume['status'] = 'rollbacking'
        volume['content'] = snapshot['id']
        return FakeResponse(202, {'rollback': {'volume_id': volume['id']}})
