"""The folder ``soc2-checks checkov-dir`` prints, for ``checkov --external-checks-dir``.

Checkov imports every ``.py`` file here under its bare file name and parses every YAML or
JSON file as a graph policy, so this folder holds one uniquely named module and no data.
"""
