#!/usr/bin/env python3
"""A Cerebrum-style client of the AIOS kernel, standard library only.

It speaks the wire format of the Cerebrum SDK (cerebrum/utils/communication.py, send_request): every query is
POST {CEREBRUM_KERNEL_URL}/query with {"query_type", "agent_name", "query_data"}, where query_data is the SDK's
pydantic model as model_dump() gives it (with its defaults), and the answer is read as the SDK's callers read it:
answer["response"][...] and the timing lists. Non-2xx answers raise, as requests' raise_for_status() does in the SDK.

Usage: CEREBRUM_KERNEL_URL=http://127.0.0.1:8000/t/TOKEN python3 cerebrum_client.py AGENT
Prints one line per check and "cerebrum client: N checks passed"; exits 1 at the first failure.
"""
import json
import os
import sys
import urllib.error
import urllib.request

BASE = os.environ.get("CEREBRUM_KERNEL_URL", "http://localhost:8000")
checks = 0


def post(endpoint, data):
    request = urllib.request.Request(BASE + endpoint, data=json.dumps(data).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def get(endpoint):
    with urllib.request.urlopen(BASE + endpoint, timeout=60) as response:
        return json.loads(response.read())


def send_request(agent_name, query):
    """As Cerebrum's send_request: the query class names the type; the whole model is the data."""
    return post("/query", {"query_type": query["query_class"], "agent_name": agent_name, "query_data": query})


# The SDK's query models as model_dump() gives them, defaults included.
def llm_query(messages, tools=None, action_type="chat", llms=None, max_new_tokens=1000, message_return_type="text"):
    return {"query_class": "llm", "llms": llms, "messages": messages, "tools": tools, "action_type": action_type,
            "temperature": 1.0, "max_new_tokens": max_new_tokens, "message_return_type": message_return_type,
            "response_format": None}


def memory_query(operation_type, params):
    return {"query_class": "memory", "operation_type": operation_type, "params": params}


def storage_query(operation_type, params):
    return {"query_class": "storage", "params": params, "operation_type": operation_type}


def tool_query(tool_calls):
    return {"query_class": "tool", "tool_calls": tool_calls}


def check(what, condition, answer):
    global checks
    if not condition:
        print("FAILED: " + what + "\n" + json.dumps(answer, indent=1), file=sys.stderr)
        sys.exit(1)
    checks += 1
    print("ok: " + what)


def timed(what, answer):
    """Every answer carries one timing entry per syscall, the first call too."""
    lists = ["start_times", "end_times", "waiting_times", "turnaround_times"]
    check(what + ": timing lists filled", all(len(answer.get(k, [])) >= 1 for k in lists), answer)
    check(what + ": times are epoch seconds and durations", answer["start_times"][0] > 1.5e9
          and answer["end_times"][0] >= answer["start_times"][0] and answer["waiting_times"][0] >= 0
          and answer["turnaround_times"][0] >= answer["waiting_times"][0], answer)
    return answer["response"]


def main():
    agent = sys.argv[1] if len(sys.argv) > 1 else "cerebrum-client"

    status = get("/core/status")
    check("/core/status lists the components", status.get("llms") == "active", status)
    llms = get("/core/llms/list")
    check("/core/llms/list names a model", len(llms["llms"]) >= 1, llms)

    # llm: llm_chat, with an LLM the kernel does not serve (it runs on the default model) and the SDK's defaults
    r = timed("llm chat", send_request(agent, llm_query(
        [{"role": "user", "content": "Once upon a time"}], llms=[{"name": "gpt-4o-mini", "backend": "openai"}])))
    check("llm chat: response_message is text", isinstance(r["response_message"], str) and r["response_message"], r)
    check("llm chat: finished, no error, status 200", r["finished"] and r["error"] is None and r["status_code"] == 200, r)
    check("llm chat: no tool calls", r["tool_calls"] is None, r)

    # memory: create_memory, get_memory, update_memory (content only), search_memories, delete_memory
    r = timed("add_memory", send_request(agent, memory_query(
        "add_memory", {"content": "the blue whale is the largest animal", "metadata": {"tags": ["animals", "sea"]}})))
    check("add_memory: success and an id", r["success"] and r["memory_id"], r)
    memory_id = r["memory_id"]
    r = timed("get_memory", send_request(agent, memory_query("get_memory", {"memory_id": memory_id})))
    check("get_memory: the content", r["content"] == "the blue whale is the largest animal", r)
    check("get_memory: the metadata as given", r["metadata"] == {"tags": ["animals", "sea"]}, r)
    answer = send_request(agent, memory_query("update_memory", {"memory_id": memory_id,
                                                                "content": "the blue whale is huge"}))
    r = timed("update_memory", answer)
    check("update_memory: success", r["success"] and r["memory_id"] == memory_id, r)
    check("update_memory without metadata: a read and a write, two timing entries", len(answer["start_times"]) == 2,
          answer)
    r = timed("retrieve_memory", send_request(agent, memory_query("retrieve_memory", {"content": "whale", "k": 3})))
    check("retrieve_memory: finds the note", any(h["memory_id"] == memory_id and h["content"] == "the blue whale is huge"
                                                 and h["metadata"] == {"tags": ["animals", "sea"]}
                                                 for h in r["search_results"]), r)
    r = timed("remove_memory", send_request(agent, memory_query("remove_memory", {"memory_id": memory_id})))
    check("remove_memory: success", r["success"], r)
    r = send_request(agent, memory_query("get_memory", {"memory_id": memory_id}))["response"]
    check("get_memory of a removed note: an error in the response", r["success"] is False and r["error"], r)

    # storage: mount, create_dir, create_file, write (twice), retrieve_file, rollback_file
    r = timed("mount", send_request(agent, storage_query("mount", {"root_dir": "work"})))
    check("mount: finished", r["finished"] and r["error"] is None, r)
    r = timed("create_dir", send_request(agent, storage_query("create_dir", {"dir_path": "notes"})))
    check("create_dir: finished", r["finished"], r)
    r = timed("create_file", send_request(agent, storage_query("create_file", {"file_path": "notes/todo.txt"})))
    check("create_file: finished", r["finished"], r)
    r = timed("write", send_request(agent, storage_query("write", {"file_path": "notes/todo.txt",
                                                                   "content": "feed the zebra"})))
    check("write: finished with a message", r["finished"] and isinstance(r["response_message"], str), r)
    timed("write again", send_request(agent, storage_query("write", {"file_path": "notes/todo.txt",
                                                                    "content": "walk the giraffe"})))
    r = timed("retrieve", send_request(agent, storage_query("retrieve", {"query_text": "giraffe", "n": 3,
                                                                         "keywords": None})))
    check("retrieve: the file is found", any("todo.txt" in f for f in r["response_message"]), r)
    r = timed("rollback", send_request(agent, storage_query("rollback", {"file_path": "notes/todo.txt", "n": 1})))
    check("rollback: finished", r["finished"] and r["error"] is None, r)
    r = timed("retrieve after rollback", send_request(agent, storage_query(
        "retrieve", {"query_text": "zebra", "n": 3, "keywords": ["feed"]})))
    check("retrieve after rollback: the old text is back", any("todo.txt" in f for f in r["response_message"]), r)

    # tool: call_tool with Cerebrum's {name, parameters}
    r = timed("tool", send_request(agent, tool_query([{"name": "calc", "parameters": {"expression": "17 * 23"}}])))
    check("tool: calc answers 391", r["finished"] and r["error"] is None and "391" in str(r["response_message"]), r)

    # a refusal is an HTTP error, as the SDK's raise_for_status() sees it
    try:
        send_request(agent, {"query_class": "telepathy"})
        check("an unknown query type is refused", False, {})
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        check("an unknown query type is refused with 400 and a JSON error",
              e.code == 400 and body["status"] == 400 and "telepathy" in body["error"], body)

    print("cerebrum client: %d checks passed" % checks)


if __name__ == "__main__":
    main()
