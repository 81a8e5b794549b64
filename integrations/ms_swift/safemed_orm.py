"""SafeMed reward for MS-Swift GRPO: --external_plugins <this file> --reward_funcs safemed.

The dataset rows are SafeMed's MS-Swift export: {"messages": [...], "solution": <label>}; MS-Swift passes
the columns as keyword arguments. One POST to `safemed reward serve` (/v1/reward) per batch.
"""
import json
import os
import urllib.request

try:
    from swift.plugin import ORM, orms
except ImportError:  # newer MS-Swift layouts
    from swift.rewards import ORM, orms

URL = os.environ.get("SAFEMED_REWARD_URL", "http://127.0.0.1:8700").rstrip("/")


def _post(path, body):
    request = urllib.request.Request(URL + path, data=json.dumps(body).encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    if os.environ.get("SAFEMED_REWARD_API_KEY"):
        request.add_header("Authorization", "Bearer " + os.environ["SAFEMED_REWARD_API_KEY"])
    with urllib.request.urlopen(request, timeout=float(os.environ.get("SAFEMED_REWARD_TIMEOUT", "170"))) as response:
        return json.loads(response.read().decode("utf-8"))


class SafeMedReward(ORM):
    def __call__(self, completions, messages=None, solution=None, **kwargs):
        items = []
        for index, completion in enumerate(completions):
            conversation = list(messages[index]) if messages else []
            if conversation and conversation[-1].get("role") == "assistant":  # the completion, appended by MS-Swift
                conversation = conversation[:-1]
            if not conversation:
                conversation = [{"role": "user", "content": ""}]
            item = {"messages": conversation, "response": completion}
            label = solution[index] if solution else None
            if label not in (None, ""):
                item["label"] = label if isinstance(label, str) else json.dumps(label)
            items.append(item)
        return [float(result["total"]) for result in _post("/v1/reward", {"items": items})["results"]]


orms["safemed"] = SafeMedReward
