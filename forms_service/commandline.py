"""What the `forms-service` commands share."""

import sys

import click


def fail(lines: list[str]):
    """Each line on stderr, then exit 2: the command was given something it cannot use."""
    for line in lines:
        click.echo(line, err=True)
    sys.exit(2)
