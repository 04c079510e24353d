"""A node's searchd configuration (real searchd processes read it in the other tests)."""

from pathlib import Path

from search_service.engines.manticore.config import node_config
from search_service.engines.manticore.nodes import Topology
from search_service.engines.manticore.projection import RT_FIELDS, STRING_ATTRS


def test_a_node_holds_its_shard_and_reaches_the_others_through_their_mirrors():
    topology = Topology.parse("a:9306|b:9306,c:9306|d:9306:9500,e:9306")
    text = node_config(topology, topology.shards[1][1], Path("/data"))
    assert "index shard1\n" in text and "index shard0\n" not in text
    assert "    local = shard1\n" in text
    assert "    agent = a:9307|b:9307:shard0\n" in text
    assert "    agent = e:9307:shard2\n" in text
    assert "listen = d:9306:mysql41" in text and "listen = d:9500\n" in text
    assert "path = /data/shard1" in text and "binlog_path = /data" in text


def test_the_shard_index_has_every_field_and_attribute_and_indexes_han_as_words():
    text = node_config(Topology.parse("a:9306"), Topology.parse("a:9306").nodes[0], Path("/d"))
    for field in RT_FIELDS:
        assert f"rt_field = {field}\n" in text
    for attr in STRING_ATTRS:
        assert f"rt_attr_string = {attr}\n" in text
    assert "U+4E00..U+9FFF" in text and "U+3400..U+4DBF" in text and "dict = keywords" in text
    assert "agent =" not in text  # one shard: nothing remote


def test_the_command_writes_a_nodes_configuration(tmp_path, capsys):
    from search_service.engines.manticore.config import main

    nodes = "10.0.0.1:9306,10.0.0.2:9306"
    assert main(["--nodes", nodes, "--node", "10.0.0.2:9306", "--data", str(tmp_path)]) == 0
    assert "index shard1\n" in (tmp_path / "searchd.conf").read_text()
    assert "shard1" in capsys.readouterr().out
    assert main(["--nodes", nodes, "--node", "10.0.0.9:9306", "--data", str(tmp_path)]) == 2
    assert "不在配置的节点列表中" in capsys.readouterr().err
