"""SafeMed reward for TRL's GRPOTrainer: GRPOTrainer(reward_funcs=[safemed_reward], ...).

Works with standard (str) and conversational ([{"role", "content"}]) prompts and completions. The label
comes from the dataset column "label" (or "solution"); "kind" may be its own column. One POST to
`safemed reward serve` (/v1/reward) per batch; returns the total reward of each completion.
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


def _text(completion):
    if isinstance(completion, list):
        return "".join(m.get("content") or "" for m in completion if m.get("role") == "assistant")
    return completion


def safemed_reward(prompts, completions, **kwargs):
    labels = kwargs.get("label") or kwargs.get("solution") or [None] * len(completions)
    kinds = kwargs.get("kind") or [None] * len(completions)
    items = []
    for prompt, completion, label, kind in zip(prompts, completions, labels, kinds):
        item = {"messages": prompt} if isinstance(prompt, list) else {"prompt": prompt}
        item["response"] = _text(completion)
        if label not in (None, ""):
            item["label"] = label if isinstance(label, str) else json.dumps(label)
        if kind:
            item["kind"] = kind
        items.append(item)
    return [float(result["total"]) for result in _post("/v1/reward", {"items": items})["results"]]
