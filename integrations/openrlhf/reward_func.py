"""SafeMed reward for OpenRLHF: --reward.remote_url <this file> (older versions: --remote_rm_url).

OpenRLHF can also POST to the server directly (--reward.remote_url http://host:8700/get_reward); this file
is for setups that load a reward_func. It forwards queries (prompt + response with the chat template's
special tokens), prompts and labels to /get_reward, which splits Qwen/ChatML and Llama 3 templates.
"""
import json
import os
import urllib.request

URL = os.environ.get("SAFEMED_REWARD_URL", "http://127.0.0.1:8700").rstrip("/")


def _post(path, body):
    request = urllib.request.Request(URL + path, data=json.dumps(body).encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    if os.environ.get("SAFEMED_REWARD_API_KEY"):
        request.add_header("Authorization", "Bearer " + os.environ["SAFEMED_REWARD_API_KEY"])
    with urllib.request.urlopen(request, timeout=float(os.environ.get("SAFEMED_REWARD_TIMEOUT", "170"))) as response:
        return json.loads(response.read().decode("utf-8"))


def reward_func(queries, prompts, labels, **kwargs):
    reply = _post("/get_reward", {"query": list(queries), "prompts": list(prompts), "labels": [label or "" for label in labels]})
    try:
        import torch
    except ImportError:  # outside a trainer (tests): plain lists
        return reply
    return {
        "rewards": torch.tensor(reply["rewards"], dtype=torch.float32),
        "scores": torch.tensor(reply["scores"], dtype=torch.float32),
        "extra_logs": {name: torch.tensor(values, dtype=torch.float32) for name, values in reply["extra_logs"].items()},
    }
