"""SafeMed reward for verl: custom_reward_function.path=<this file>, custom_reward_function.name=compute_score.

Calls `safemed reward serve` (POST /v1/reward). The prompt comes from extra_info["question"] (SafeMed's
parquet export writes it); ground_truth is the label ("harmful", "benign", answer letters or a JSON
object). Returns {"score": total, <component>: value (0 where it does not apply), "judge_failures": n}.
"""
import json
import os
import urllib.request

URL = os.environ.get("SAFEMED_REWARD_URL", "http://127.0.0.1:8700").rstrip("/")
COMPONENTS = ("safety", "over_refusal", "format", "accuracy", "explanation")


def _post(path, body):
    request = urllib.request.Request(URL + path, data=json.dumps(body).encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    if os.environ.get("SAFEMED_REWARD_API_KEY"):
        request.add_header("Authorization", "Bearer " + os.environ["SAFEMED_REWARD_API_KEY"])
    with urllib.request.urlopen(request, timeout=float(os.environ.get("SAFEMED_REWARD_TIMEOUT", "170"))) as response:
        return json.loads(response.read().decode("utf-8"))


def _item(solution_str, ground_truth, extra_info):
    extra_info = extra_info or {}
    question = extra_info.get("question") or extra_info.get("prompt") or ""
    label = ground_truth if isinstance(ground_truth, str) else json.dumps(ground_truth)
    return {"prompt": question, "response": solution_str, "label": label}


def _scored(result):
    scored = {"score": float(result["total"]), "judge_failures": float(result["judge_failures"])}
    for name in COMPONENTS:
        value = result["components"].get(name)
        scored[name] = 0.0 if value is None else float(value)
    return scored


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    return _scored(_post("/v1/reward", {"items": [_item(solution_str, ground_truth, extra_info)]})["results"][0])


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos, **kwargs):
    items = [_item(s, g, e) for s, g, e in zip(solution_strs, ground_truths, extra_infos)]
    return [_scored(result) for result in _post("/v1/reward", {"items": items})["results"]]
