"""Provenance: every output says how it was made.

* :func:`label_and_write` - the one function front doors call to write an
  output: invisible watermark, XMP (IPTC digital source type, credit, log),
  sRGB profile, nothing else from any source, optional signed C2PA manifest,
  written atomically.
* :func:`label_file` - the same for a big image already rendered to a file.
* :func:`read_portrait` / :func:`read_source` - read an input with its
  provenance, so an output is never labelled as less AI than its inputs.
* :func:`verify` - read all three back, and warn when they disagree.
* building blocks: :func:`digital_source_type`, :func:`xmp_packet`,
  :func:`embed_watermark` / :func:`read_watermark`, :func:`sign_c2pa` /
  :func:`read_c2pa`, :func:`dev_signer` / :func:`load_signer`.
"""

from candid.provenance.c2pa_manifest import (
    C2paInfo, Signer, dev_signer, load_signer, manifest_definition, read_c2pa, sign_c2pa,
)
from candid.provenance.certs import CertificatePaths, default_cert_dir, make_dev_certificates
from candid.provenance.label import Verification, label_and_write, label_array, label_file, label_vips, verify
from candid.provenance.source import SourceProvenance, read_portrait, read_source
from candid.provenance.source_type import (
    ALGORITHMICALLY_ENHANCED, COMPOSITE_WITH_TRAINED, TRAINED_ALGORITHMIC_MEDIA, digital_source_type,
)
from candid.provenance.watermark import (
    WatermarkReading, codeword_bits, embed_watermark, read_watermark, read_watermark_details, watermark_id_for,
)
from candid.provenance.xmp import XmpInfo, credit_line, parse_xmp, read_xmp, xmp_packet

__all__ = [
    "ALGORITHMICALLY_ENHANCED", "COMPOSITE_WITH_TRAINED", "C2paInfo", "CertificatePaths", "Signer",
    "TRAINED_ALGORITHMIC_MEDIA", "Verification", "WatermarkReading", "XmpInfo", "codeword_bits", "credit_line",
    "SourceProvenance", "default_cert_dir", "dev_signer", "digital_source_type", "embed_watermark",
    "label_and_write", "label_array", "label_file", "label_vips", "read_portrait", "read_source",
    "load_signer", "make_dev_certificates", "manifest_definition", "parse_xmp", "read_c2pa", "read_watermark",
    "read_watermark_details", "read_xmp", "sign_c2pa", "verify", "watermark_id_for", "xmp_packet",
]
