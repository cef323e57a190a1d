"""The one router, with its route tree compiled once: Starlette's own choice of route, made faster.

Starlette's router tries its routes in order, each building a child scope, and a `Mount` hands
the rest of the path to its own router the same way; for a disk read by id that walk was about a
fifth of the request. `CompiledRouter` makes the same choice from tables built at start: per
router, the routes that can match a path's first segment (the routes whose path starts with
that literal segment, and those that start with a parameter, in their order), then the same
regular expressions and parameter conversions Starlette would apply, and sets the same scope
keys before calling the chosen route's app. Whatever it does not find as a full match (no route,
a route for another method, a path that Starlette redirects by its trailing slash) goes to
Starlette's own walk, so 404, 405 and redirects answer exactly as before.
"""

from __future__ import annotations

from starlette.routing import Mount, Route, Router

# A node of the compiled tree: (routes by their literal first segment, routes for any other).
# Each entry: (route, regex, parameter convertors, child node for a Mount over a Router, else None).
Node = tuple[dict[str, list], list]


def _first_segment(path: str) -> str | None:
    """The literal first segment of a route path ('' for '/'), None when it is a parameter."""
    first = path.lstrip("/").split("/", 1)[0]
    return None if "{" in first else first


def walk_routes(routes: list, prefix: str = ""):
    """(method, full path template, endpoint) of every route below `routes`, mounts followed.
    Starlette answers HEAD wherever GET is routed, so HEAD is left out."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk_routes(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path, route.endpoint


def resource_routes(path: str, id_param: str, *, create=None, listing=None, show=None, update=None, delete=None,
                    **reads) -> list[Route]:
    """The routes of a collection at `path` and of its items (`{id_param}`), in the order the
    services declare them: create (POST) and list (GET) on the collection, its literal sub-paths
    read by GET (`reads`, e.g. `detail=`, `summary=`: before the item's parameter would take
    them), then show (GET), update (PUT) and delete (DELETE) of an item. A handler left out is a
    method the cloud does not answer there (405, or the next route)."""
    item = f"{path}/{{{id_param}}}"
    table = [(path, create, "POST"), (path, listing, "GET"),
             *((f"{path}/{name}", handler, "GET") for name, handler in reads.items()),
             (item, show, "GET"), (item, update, "PUT"), (item, delete, "DELETE")]
    return [Route(route_path, handler, methods=[method]) for route_path, handler, method in table if handler is not None]


def compile_routes(routes: list) -> Node | None:
    """The tree of `routes`; None when a route is of a kind only Starlette's walk handles."""
    entries = []
    for route in routes:
        if isinstance(route, Mount):
            inner = route.app
            plain = type(inner) is Router and inner.middleware_stack == inner.app  # no middleware of its own
            child = compile_routes(inner.routes) if plain else None
            if child is None:
                return None
            # a Mount at the root ('', Starlette strips a lone '/') takes any path
            first = _first_segment(route.path) if route.path else None
            entries.append((route, route.path_regex, route.param_convertors, child, first))
        elif isinstance(route, Route):
            entries.append((route, route.path_regex, route.param_convertors, None, _first_segment(route.path)))
        else:
            return None
    segments = {first for *_, first in entries if first is not None}
    by_segment = {segment: [e[:4] for e in entries if e[4] in (segment, None)] for segment in segments}
    return by_segment, [e[:4] for e in entries if e[4] is None]


class CompiledRouter(Router):
    def __init__(self, routes: list, **kwargs):
        super().__init__(routes=routes, **kwargs)
        self._tree = None  # compiled at the first request: routes may still be added before

    def _find(self, path: str, method: str):
        """(route, path params, mount path) of the route Starlette would run, or None when its
        walk would end in anything but a full match."""
        node = self._tree
        params = {}
        mounted = ""
        while True:
            by_segment, other = node
            candidates = by_segment.get(path[1:].split("/", 1)[0], other)
            for route, regex, convertors, child, in candidates:
                match = regex.match(path)
                if match is None:
                    continue
                found = match.groupdict()
                for key, value in found.items():
                    found[key] = convertors[key].convert(value)
                if child is not None:  # a Mount: its router decides, as in Starlette
                    rest = "/" + found.pop("path")
                    mounted += path[:-len(rest)]
                    params.update(found)
                    node, path = child, rest
                    break
                if route.methods and method not in route.methods:
                    continue  # a partial match: Starlette answers it only if nothing else matches
                params.update(found)
                return route, params, mounted
            else:
                return None

    async def app(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            return await super().app(scope, receive, send)
        if self._tree is None:
            self._tree = compile_routes(self.routes) or False
        found = self._find(scope["path"], scope["method"]) if self._tree else None
        if found is None:
            return await super().app(scope, receive, send)
        route, params, mounted = found
        if "router" not in scope:
            scope["router"] = self
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        scope["path_params"] = params
        if mounted:
            scope["app_root_path"] = scope.get("app_root_path", "")
            scope["root_path"] = mounted
        await route.app(scope, receive, send)
