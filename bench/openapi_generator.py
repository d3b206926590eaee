"""What both comparison scripts share: the vendors, and how openapi-generator is run on each
vendor's effective spec (one crate per vendor, with a distinct package name so that crates built
under one target directory do not share build records)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENDORS = ["akool", "argil", "anam"]


def generate_command(vendor, out):
    spec = os.path.join(ROOT, "generated", vendor, "openapi.json")
    return ["openapi-generator-cli", "generate", "-g", "rust", "-i", spec, "-o", out,
            "--skip-validate-spec", f"--additional-properties=packageName={vendor}_oag"]
