import json
from tests.test_cli import run, example, write_json
def test_peek(bare_app, tmp_path, cli_environment):
    p = example(bare_app)
    p["form"]["recipient_name"] = ""
    p["form"]["favourite_colour"] = "blue"
    p["form"]["end_date"] = "not a date"
    del p["client"]["last_name"]
    p["agency"]["phone"] = 3145550100
    r = run(bare_app, "render", "consent_release", "--data", str(write_json(tmp_path/"b.json", p)), "--out", str(tmp_path/"o"))
    print(r.stderr)
    p = example(bare_app); p["form"]["recipient_name"] = ""
    r = run(bare_app, "render", "consent_release", "--data", str(write_json(tmp_path/"c.json", p)), "--out", str(tmp_path/"o"))
    print(r.stderr)
    d = tmp_path/"x.json"; d.write_text('{\n  "case_number": "C-1",\n  "form": {oops}\n}\n')
    print(run(bare_app, "render", "consent_release", "--data", str(d), "--out", "o").stderr)
