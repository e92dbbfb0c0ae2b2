"""A base for operators' commands whose contract is: a bad argument prints one plain line in
Vietnamese on stderr and exits with status 2 (no "CommandError:" prefix, no English usage)."""

import sys

from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import connections
from django.utils.translation import gettext as _

BAD_ARGUMENT = 2


def bad_argument(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_ARGUMENT)


class PlainErrorCommand(BaseCommand):
    command_name = ""

    def parser_error(self, message: str):
        """argparse's error hook (also for sub-parsers): one Vietnamese line, exit status 2."""
        raise bad_argument(
            _("Tham số không hợp lệ: %(message)s. Xem hướng dẫn: motcua %(command)s --help")
            % {"message": message, "command": self.command_name}
        )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.command_name = subcommand
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse formats only real strings
        parser.error = self.parser_error
        return parser

    def run_from_argv(self, argv):
        self._called_from_command_line = True
        options = None
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options is not None and options.traceback:
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)
        finally:
            connections.close_all()
