"""The cluster setting: shards, mirrors and ports."""

import pytest

from indexer.errors import InputError
from search_service.engines.manticore.nodes import Node, Topology


def test_shards_mirrors_and_ports():
    topology = Topology.parse("a:9306|b:9306:9400, c:9316")
    assert topology.shards == ((Node("a", 9306, 9307), Node("b", 9306, 9400)),
                               (Node("c", 9316, 9317),))
    assert [n.address for n in topology.nodes] == ["a:9306", "c:9316", "b:9306"]
    assert topology.shard_named("b", 9400) == 0 and topology.shard_named("c", 9317) == 1
    assert topology.shard_named("d", 9306) is None
    assert Topology.parse(topology.spec()) == topology


@pytest.mark.parametrize("spec", ["", "a", "a:b", "a:99999", ":9306", "a:9306,a:9306"])
def test_malformed_settings_are_refused(spec):
    with pytest.raises(InputError):
        Topology.parse(spec)
