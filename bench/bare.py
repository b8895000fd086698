"""The bare baseline of the benchmark: one Flask endpoint returning a short text,
served by gunicorn exactly like the app, so each page's speed is read as a
share of what the server and framework alone can do on this machine."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
