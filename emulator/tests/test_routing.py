"""The compiled router picks the route Starlette's own walk picks, with the same path parameters
and mount path, for every route of every service (routing.py)."""

from __future__ import annotations

import re

import pytest
from starlette.responses import Response
from starlette.routing import Match, Mount, Route

from evs_emulator.app import create_app
from evs_emulator.config import Config
from evs_emulator.routing import CompiledRouter, compile_routes

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")


@pytest.fixture(scope="module")
def router(tmp_path_factory) -> CompiledRouter:
    app = create_app(Config.load(), tmp_path_factory.mktemp("state"))
    router = app.app.router
    assert isinstance(router, CompiledRouter)
    router._tree = compile_routes(router.routes)
    assert router._tree, "every route of the emulator compiles"
    return router


def full_paths(routes, prefix: str = "") -> list[str]:
    """Every route's path with its parameters filled in, and variants a client may send."""
    paths = []
    for route in routes:
        path = prefix + route.path
        if isinstance(route, Mount):
            paths += full_paths(route.routes, path)
        else:
            concrete = re.sub(r"{[^}]+}", "a1b2", path)
            paths += [concrete, concrete + "/", concrete + "/extra", concrete.replace("a1b2", "", 1)]
    return paths


def starlette_choice(routes, scope: dict):
    """The route Starlette's walk runs as a full match, with its scope; None for anything else."""
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            scope = {**scope, **child}
            return starlette_choice(route.routes, scope) if isinstance(route, Mount) else (route, scope)
    return None


def test_every_route_is_chosen_as_starlette_chooses_it(router):
    paths = sorted(set(full_paths(router.routes))) + ["/", "/nothing/here", "/v3/auth/tokens", "/_emulator"]
    fast = 0
    for path in paths:
        for method in METHODS:
            found = router._find(path, method)
            expected = starlette_choice(router.routes, {"type": "http", "path": path, "method": method,
                                                        "root_path": ""})
            if found is None:
                assert expected is None, (method, path)
                continue
            fast += 1
            route, params, mounted = found
            assert expected is not None, (method, path)
            assert (route, params, mounted) == (expected[0], expected[1]["path_params"],
                                                expected[1].get("root_path", "")), (method, path)
    assert fast > len(paths) / 2  # most requests take the compiled path


def test_a_mount_at_the_root_and_routes_after_it_are_chosen_as_starlette_chooses_them():
    async def endpoint(request):
        return Response(b"")

    routes = [Mount("/a", routes=[Route("/x", endpoint, methods=["GET"])]),
              Mount("/", routes=[Route("/b/{item}", endpoint, methods=["GET"]), Route("/", endpoint)]),
              Route("/c", endpoint)]
    router = CompiledRouter(routes)
    router._tree = compile_routes(router.routes)
    for path in ("/a/x", "/a/y", "/b/1", "/", "/c", "/b", "/x"):
        found = router._find(path, "GET")
        expected = starlette_choice(routes, {"type": "http", "path": path, "method": "GET", "root_path": ""})
        assert (found and found[0]) == (expected and expected[0]), path
    assert router._find("/b/1", "GET") is not None
