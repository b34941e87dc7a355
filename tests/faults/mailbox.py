"""What a worker's file mail backend delivered: the messages, parsed."""

from email import message_from_string
from pathlib import Path

SEPARATOR = "\n" + "-" * 79 + "\n"


def delivered(directory):
    """Every message in the directory, in file order (Django writes one file per connection,
    each message followed by a line of 79 dashes)."""
    messages = []
    for path in sorted(Path(directory).glob("*.log")) if Path(directory).exists() else []:
        for chunk in path.read_text().split(SEPARATOR):
            if chunk.strip():
                messages.append(message_from_string(chunk))
    return messages
