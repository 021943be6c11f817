"""The ceiling: a bare Flask app answering "hello", served like elearn (bench/run.py).

    gunicorn bench.hello:app
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
