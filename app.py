"""Entry point: `flask --app app ...`, `python app.py` and gunicorn's `app:app`."""

from study import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
