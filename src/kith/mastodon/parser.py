"""Request parameters the way Mastodon (Rails/Rack) reads them.

Apps send parameters in the query string, as JSON, form-encoded or multipart, and name nested
ones Rack-style: `media_ids[]=1&media_ids[]=2`, `poll[options][]=a`, `poll[expires_in]=300`,
`fields_attributes[0][name]=Web`. `request_params(request)` reads all of them into one
nested dict (the body wins over the query string); objects whose keys are all numbers
(`fields_attributes[0]…`, also in JSON) become lists in key order. Unknown parameters are
kept here and ignored by the schemas (pydantic drops extra fields); booleans arrive as
strings ("true", "1", "false", "0") which pydantic's `bool` reads.

In routes:
- reads (GET/DELETE with a query string): `params: Query[Schema]` (the API's parser applies
  the same Rack rules to the query string);
- writes: `params: Params[Schema]` — query string and body (any of the three encodings)
  together, described in the OpenAPI document as a JSON body. Uploaded files are among the
  values (a field typed `ninja.files.UploadedFile`).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from ninja.params import ParamShortcut
from ninja.params.models import BodyModel, Param
from ninja.parser import Parser

from kith.mastodon.errors import MastodonError

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")
MAX_DEPTH = 4
MAX_LIST = 1000


class _Conflict(ValueError):
    pass


NUL_REFUSED = "Validation failed: parameters cannot contain NUL characters"


def _refuse_nul(value: Any) -> Any:
    """Refuse NUL characters anywhere in the parameters (PostgreSQL cannot store them)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise MastodonError(422, NUL_REFUSED)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)
    return value


def _insert(target: dict, path: list[str], values: list[Any]) -> None:
    """Put `values` at `path` ("" in a path means "append to a list")."""
    node: Any = target
    for i, key in enumerate(path):
        last = i == len(path) - 1
        if key == "":  # key[] — a list; at the end it takes every value
            if not isinstance(node, list):
                raise _Conflict()
            if last:
                node.extend(values)
                return
            # key[][name]: a list of objects (`keywords_attributes[][keyword]`). One value
            # goes to the last object unless it has that name already (then a new one), as
            # Rack reads it; several values of one name (the form's order across names is
            # gone by now) go to the first objects in turn, one each.
            rest = path[i + 1]
            if len(values) > 1:
                while len(node) < len(values):
                    node.append({})
                for index, value in enumerate(values):
                    if not isinstance(node[index], dict):
                        raise _Conflict()
                    _insert(node[index], path[i + 1 :], [value])
                return
            if not node or not isinstance(node[-1], dict) or rest in node[-1]:
                node.append({})
            node = node[-1]
            continue
        if not isinstance(node, dict):
            raise _Conflict()
        if last:
            node[key] = values[-1] if values else ""
            return
        following = path[i + 1]
        child = node.get(key)
        if child is None:
            child = [] if following == "" else {}
            node[key] = child
        node = child


def _listify(value: Any) -> Any:
    """Turn objects keyed "0", "1", … into lists (Rails' `fields_attributes` hash)."""
    if isinstance(value, dict):
        converted = {key: _listify(item) for key, item in value.items()}
        if converted and all(isinstance(k, str) and k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    if isinstance(value, list):
        return [_listify(item) for item in value]
    return value


def nest(data: MultiValueDict | dict, list_fields: tuple[str, ...] | list[str] = ()) -> dict:
    """Read flat Rack-style keys (`a[b][]`) of a query dict into nested dicts and lists.

    A plain key repeated, or named in `list_fields`, gives a list; otherwise its last value."""
    result: dict[str, Any] = {}
    items = (
        data.lists() if isinstance(data, MultiValueDict) else ((k, [v]) for k, v in data.items())
    )
    for raw_key, values in items:
        values = list(values)[:MAX_LIST]
        if "\x00" in raw_key or any(isinstance(v, str) and "\x00" in v for v in values):
            raise MastodonError(422, NUL_REFUSED)
        match = _KEY.match(raw_key)
        if not match:
            continue  # a malformed name ("a]b[") is an unknown parameter: ignored
        name, brackets = match.group(1), match.group(2)
        path = [name, *_PART.findall(brackets)]
        if len(path) > MAX_DEPTH + 1:
            continue
        if len(path) == 1 and (name in list_fields or len(values) > 1):
            path.append("")
        try:
            _insert(result, path, values)
        except _Conflict:
            raise MastodonError(
                422, f"Validation failed: {name} is given both as a value and as a list"
            ) from None
    return _listify(result)


def _body(request: HttpRequest) -> dict[str, Any]:
    content_type = request.content_type or ""
    if content_type == "application/json":
        if not request.body:
            return {}
        try:
            data = json.loads(request.body)
        except ValueError:
            raise MastodonError(400, "The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise MastodonError(422, "Validation failed: the JSON body must be an object")
        return _listify(_refuse_nul(data))
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data, files = _form(request, content_type)
        merged = nest(data)
        if files:
            merged.update(nest(files))
        return merged
    return {}


def _form(request: HttpRequest, content_type: str) -> tuple[MultiValueDict, MultiValueDict]:
    """Return a form body's fields and files: Django parses them for POST only, while
    apps send PATCH (update_credentials) and PUT (media, lists) forms too."""
    if content_type == "multipart/form-data":
        try:
            if request.method == "POST":
                return request.POST, request.FILES
            return request.parse_file_upload(request.META, io.BytesIO(request.body))
        except MultiPartParserError:
            raise MastodonError(400, "The multipart body could not be read") from None
    if request.method == "POST":
        return request.POST, request.FILES
    return QueryDict(request.body, encoding=request.encoding), MultiValueDict()


def request_params(request: HttpRequest) -> dict[str, Any]:
    """Return the request's parameters (query string, then body on top) as one nested dict."""
    cached = getattr(request, "_mastodon_params", None)
    if cached is not None:
        return cached
    params = nest(request.GET)
    if request.method not in ("GET", "HEAD"):
        params.update(_body(request))
    request._mastodon_params = params
    return params


class MastodonParser(Parser):
    """The Mastodon API's ninja parser: Rack-style names in query strings and forms, and any
    body encoding for `Body[...]` parameters."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return _body(request)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return nest(data, list_fields)


class _ParamsModel(BodyModel):
    @classmethod
    def get_request_data(cls, request, api, path_params):
        data = request_params(request)
        single = getattr(cls, "__read_from_single_attr__", None)
        return {single: data} if single else data


class _Params(Param):
    _model = _ParamsModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


def _params(default: Any = ..., **kwargs: Any) -> Any:
    return _Params(default, **kwargs)


# `params: Params[StatusIn]` — the query string and the body, whatever its encoding.
Params = ParamShortcut(_params)
