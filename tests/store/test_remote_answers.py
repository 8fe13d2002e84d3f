"""Reading a remote server's answers (`remote_answers.py`) without a server: answers split and cut
where a network splits and a budget cuts them."""

from __future__ import annotations

from clustergraph.store.remote_answers import AnswerStream, rows_as_tsv


def test_a_blank_node_label_split_between_chunks_is_mended() -> None:
    answer = b'{"head": {"vars": ["b"]}, "results": {"bindings": [{"b": {"type": "bnode", "value": "nodeID://b7"}}]}}'
    cut = answer.index(b"nodeID") + 3
    tsv, truncated = rows_as_tsv(AnswerStream(iter((answer[:cut], answer[cut:])), 10_000), None, 10_000, "test")
    assert (tsv, truncated) == (b"?b\n_:b7\n", False)


def test_an_answer_longer_than_its_byte_budget_is_cut_after_a_whole_row() -> None:
    rows = ",".join(f'{{"n": {{"type": "literal", "value": "{i}"}}}}' for i in range(100))
    answer = f'{{"head": {{"vars": ["n"]}}, "results": {{"bindings": [{rows}]}}}}'.encode()
    tsv, truncated = rows_as_tsv(AnswerStream(iter((answer,)), 1000), None, 10_000, "test")
    values = tsv.decode().splitlines()
    assert truncated and values[0] == "?n" and values[1:] == [f'"{i}"' for i in range(len(values) - 1)]
    assert 10 < len(values) < 100
