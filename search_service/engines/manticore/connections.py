"""SphinxQL connections to the nodes: one per node and thread, reopened after a failure."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pymysql

from search_service.engines.manticore.nodes import Node
from search_service.errors import UnavailableError


class NodeDown(UnavailableError):
    """A node did not answer (not listening, or the connection broke)."""

    code = "search_node_unavailable"

    def __init__(self, node: Node, reason: str) -> None:
        super().__init__(f"检索节点 {node.address} 无法连接：{reason}")
        self.node = node


class Connections:
    """Connections by node for the calling thread (PyMySQL connections are not shared)."""

    def __init__(self, connect_timeout: float = 2.0, read_timeout: float = 60.0) -> None:
        self._local = threading.local()
        self._all: list[pymysql.connections.Connection] = []
        self._lock = threading.Lock()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout

    def _mine(self) -> dict[Node, pymysql.connections.Connection]:
        if not hasattr(self._local, "by_node"):
            self._local.by_node = {}
        return self._local.by_node

    def _open(self, node: Node) -> pymysql.connections.Connection:
        mine = self._mine()
        if node not in mine:
            conn = pymysql.connect(host=node.host, port=node.port, autocommit=True,
                                   connect_timeout=self.connect_timeout,
                                   read_timeout=self.read_timeout, write_timeout=self.read_timeout)
            mine[node] = conn
            with self._lock:
                self._all.append(conn)
        return mine[node]

    def _drop(self, node: Node) -> None:
        conn = self._mine().pop(node, None)
        if conn is not None:
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass

    def run(self, node: Node, statements: Sequence[tuple[str, Any]]) -> list[list[list[tuple]]]:
        """Run ``(sql, args)`` statements in order on ``node``; per statement, its result sets.

        A broken connection is reopened once; a node that still does not answer raises
        :class:`NodeDown`. Errors searchd reports for a statement propagate as they are.
        """
        for attempt in (0, 1):
            try:
                conn = self._open(node)
                with conn.cursor() as cursor:
                    return [_result_sets(cursor, sql, args) for sql, args in statements]
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError) as exc:
                self._drop(node)
                if not _is_connection_error(exc):
                    raise
                if attempt:
                    raise NodeDown(node, str(exc)) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        self._local = threading.local()


def _result_sets(cursor: Any, sql: str, args: Any) -> list[list[tuple]]:
    cursor.execute(sql, args)
    sets = [list(cursor.fetchall())]
    while cursor.nextset():
        sets.append(list(cursor.fetchall()))
    return sets


def _is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the node is unreachable (not that searchd refused a statement)."""
    if isinstance(exc, (pymysql.err.InterfaceError, OSError)):
        return True
    code = exc.args[0] if exc.args else 0
    return isinstance(code, int) and 2000 <= code < 2100  # client errors: CR_*
