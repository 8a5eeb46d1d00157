#!/usr/bin/env python3
# A transcript of N lines in Claude Code's shape, for measurements: a prompt, a tool call, its result and a reply, repeated.
#   bench/gen-transcript.py <session-id> <lines> <out.jsonl>
import json, sys, uuid, datetime
sid = sys.argv[1]; n = int(sys.argv[2])
t0 = datetime.datetime(2026, 11, 1, 9, 0, 0)
parent = None
out = open(sys.argv[3], 'w')
for i in range(n):
    ts = (t0 + datetime.timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%S.000Z')
    u = str(uuid.uuid4())
    k = i % 4
    if k == 0:
        rec = {"type":"user","uuid":u,"parentUuid":parent,"timestamp":ts,"sessionId":sid,"cwd":"/work/app","message":{"role":"user","content":f"please look at module {i} and fix the failing test number {i}"}}
    elif k == 1:
        rec = {"type":"assistant","uuid":u,"parentUuid":parent,"timestamp":ts,"sessionId":sid,"cwd":"/work/app","requestId":f"req_{i}","message":{"id":f"msg_{i}","model":"claude-sonnet-4-5-20250929","role":"assistant","content":[{"type":"tool_use","id":f"toolu_{i}","name":"Bash","input":{"command":f"grep -rn test_{i} src/"}}],"usage":{"input_tokens":100,"output_tokens":20}}}
    elif k == 2:
        rec = {"type":"user","uuid":u,"parentUuid":parent,"timestamp":ts,"sessionId":sid,"cwd":"/work/app","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":f"toolu_{i-1}","content":f"src/module_{i}.py:12: def test_{i}(): assert compute({i}) == {i*2}"}]}}
    else:
        rec = {"type":"assistant","uuid":u,"parentUuid":parent,"timestamp":ts,"sessionId":sid,"cwd":"/work/app","requestId":f"req_{i}","message":{"id":f"msg_{i}","model":"claude-sonnet-4-5-20250929","role":"assistant","content":[{"type":"text","text":f"The test {i} fails because compute returns the wrong value; I fixed the off-by-one in module {i}."}],"usage":{"input_tokens":100,"output_tokens":40}}}
    parent = u
    out.write(json.dumps(rec) + "\n")
