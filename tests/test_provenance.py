"""Provenance: IPTC source type, XMP, watermark, C2PA signing, label_and_write, verify."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from candid.errors import CandidError
from candid.portrait import Operation, Portrait
from candid.provenance import (
    ALGORITHMICALLY_ENHANCED, COMPOSITE_WITH_TRAINED, TRAINED_ALGORITHMIC_MEDIA, codeword_bits, dev_signer,
    digital_source_type, embed_watermark, label_and_write, load_signer, make_dev_certificates,
    manifest_definition, parse_xmp, read_c2pa, read_watermark, read_xmp, sign_c2pa, verify, xmp_packet,
)
from candid.provenance.xmp import find_xmp


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    return dev_signer(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def portrait(astronaut):
    return Portrait(astronaut.copy()).evolve(None, Operation("engines.studio", {"look": "soft"}, ("relit",),
                                                             ai="edited"))


# -- digital source type ---------------------------------------------------

def test_digital_source_type_mapping():
    assert digital_source_type([]) == ALGORITHMICALLY_ENHANCED
    assert digital_source_type([Operation("looks.grain")]) == ALGORITHMICALLY_ENHANCED
    assert digital_source_type([Operation("a", ai="edited"), Operation("b")]) == COMPOSITE_WITH_TRAINED
    assert digital_source_type([Operation("a", ai="edited"), Operation("g", ai="generated")]) == \
        TRAINED_ALGORITHMIC_MEDIA
    assert digital_source_type([{"stage": "x", "ai": "generated"}]) == TRAINED_ALGORITHMIC_MEDIA
    with pytest.raises(ValueError):
        digital_source_type([{"stage": "x", "ai": "maybe"}])


# -- XMP -------------------------------------------------------------------

def test_xmp_packet_round_trip_and_escaping():
    log = [Operation("looks.grain", {"iso": 400, "note": "<script>&"}), Operation("engines.x", ai="generated")]
    packet = xmp_packet(log, credit='Made by "A & B" <test>', id="00c0ffee")
    assert packet.startswith(b"<?xpacket")
    info = parse_xmp(find_xmp(packet))
    assert info.digital_source_type == TRAINED_ALGORITHMIC_MEDIA
    assert info.credit == 'Made by "A & B" <test>'
    assert info.watermark_id == "00c0ffee"
    assert [op["stage"] for op in info.log] == ["looks.grain", "engines.x"]
    assert info.log[0]["params"]["note"] == "<script>&"


def test_xmp_parser_refuses_entities_and_garbage():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>')
    assert parse_xmp(bomb) is None
    assert parse_xmp(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed></x:xmpmeta>") is None
    assert find_xmp(b"no packet here") is None


# -- watermark ---------------------------------------------------------------

def test_watermark_round_trip_is_invisible_and_leaves_input(astronaut):
    before = astronaut.copy()
    marked = embed_watermark(astronaut, "00c0ffee")
    np.testing.assert_array_equal(astronaut, before)
    assert marked.dtype == np.float32 and marked.shape == astronaut.shape
    psnr = 10 * np.log10(1 / np.mean((marked - astronaut) ** 2))
    assert psnr > 45
    assert np.abs(marked - astronaut).max() < 4 / 255
    wid, conf, errors = read_watermark(marked)
    assert (wid, errors) == ("00c0ffee", 0) and conf > 0.8
    np.testing.assert_array_equal(marked, embed_watermark(astronaut, 0x00C0FFEE))  # deterministic, int id


def test_watermark_survives_jpeg_q90(astronaut):
    marked = embed_watermark(astronaut, "12345678")
    buf = io.BytesIO()
    Image.fromarray((marked * 255 + 0.5).astype(np.uint8)).save(buf, "JPEG", quality=90)
    decoded = np.asarray(Image.open(buf).convert("RGB"), np.float32) / 255
    assert read_watermark(decoded)[0] == "12345678"


def test_unmarked_image_reads_as_none(astronaut):
    wid, conf, errors = read_watermark(astronaut)
    assert wid is None and errors is None and 0 <= conf < 0.5


def test_watermark_validation(astronaut):
    with pytest.raises(ValueError):
        embed_watermark(astronaut[:100, :100], "00c0ffee")  # smaller than one tile
    with pytest.raises(ValueError):
        embed_watermark(astronaut, "not-hex!")
    with pytest.raises(ValueError):
        embed_watermark(astronaut, 2**32)
    with pytest.raises(ValueError):
        embed_watermark((astronaut * 255).astype(np.uint8), "00c0ffee")
    assert codeword_bits("00c0ffee").sum() > 0


# -- certificates and C2PA ---------------------------------------------------

def test_dev_certificates_fit_c2pa(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    paths = make_dev_certificates(tmp_path)
    certs = x509.load_pem_x509_certificates(paths.chain.read_bytes())
    leaf, ca = certs
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey) and leaf.public_key().curve.name == "secp256r1"
    assert leaf.issuer == ca.subject and leaf.subject != leaf.issuer
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    ku = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and not ku.value.key_cert_sign
    ekus = {o.dotted_string for o in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
    assert "1.3.6.1.5.5.7.3.36" in ekus
    assert oct(paths.key.stat().st_mode & 0o777) == "0o600"
    first = paths.chain.read_bytes()
    assert make_dev_certificates(tmp_path).chain.read_bytes() == first  # made once, reused


def test_manifest_definition_lists_stages():
    log = [Operation("looks.grain", {"iso": 400}), Operation("engines.diffusion", ai="generated")]
    m = manifest_definition(log, title="x.jpg", watermark_id="00c0ffee")
    actions = m["assertions"][0]["data"]["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert [a["parameters"]["org.candid.stage"] for a in actions[1:]] == ["looks.grain", "engines.diffusion"]


def test_label_and_write_signed_jpeg(tmp_path, portrait, signer):
    before = portrait.pixels.copy()
    out = label_and_write(portrait, tmp_path / "out.jpg", signer=signer)
    np.testing.assert_array_equal(portrait.pixels, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jpg"]  # no temp files left
    c2 = read_c2pa(out)
    assert c2.status == "valid", c2
    assert c2.signer == "candid development signer"
    assert c2.digital_source_type == COMPOSITE_WITH_TRAINED
    assert [a["action"] for a in c2.actions] == ["c2pa.created", "c2pa.edited"]
    assert c2.log[0]["stage"] == "engines.studio"
    xmp = read_xmp(out)
    assert xmp.digital_source_type == COMPOSITE_WITH_TRAINED
    assert "AI-edited" in xmp.credit
    v = verify(out)
    assert v.watermark_id and v.watermark_id == xmp.watermark_id == c2.watermark_id
    assert not any("disagree" in n for n in v.notes)


def test_signed_png_and_tamper_detection(tmp_path, portrait, signer):
    out = label_and_write(portrait, tmp_path / "out.png", signer=signer)
    assert read_c2pa(out).status == "valid"
    assert read_xmp(out).digital_source_type == COMPOSITE_WITH_TRAINED
    jpg = label_and_write(portrait, tmp_path / "t.jpg", signer=signer)
    data = bytearray(jpg.read_bytes())
    data[-200] ^= 0x55  # change image data after signing
    jpg.write_bytes(bytes(data))
    assert read_c2pa(jpg).status == "invalid"


def test_unsigned_output_has_no_manifest(tmp_path, portrait):
    out = label_and_write(portrait, tmp_path / "plain.jpg")
    assert read_c2pa(out).status == "absent"
    assert read_xmp(out).watermark_id == read_watermark(np.asarray(Image.open(out).convert("RGB"),
                                                                   np.float32) / 255)[0]


def test_small_image_skips_watermark_but_is_labelled(tmp_path):
    p = Portrait(np.full((64, 64, 3), 0.5, np.float32)).evolve(None, Operation("engines.x", ai="generated"))
    out = label_and_write(p, tmp_path / "small.png")
    info = read_xmp(out)
    assert info.digital_source_type == TRAINED_ALGORITHMIC_MEDIA and info.watermark_id is None


def test_bad_signer_writes_nothing(tmp_path, portrait):
    bad = tmp_path / "bad.key"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    chain = make_dev_certificates(tmp_path / "c").chain
    with pytest.raises(CandidError):
        label_and_write(portrait, tmp_path / "o" / "x.jpg", signer=load_signer(chain, bad))
    assert not (tmp_path / "o" / "x.jpg").exists()
    assert list((tmp_path / "o").iterdir()) == []
    with pytest.raises(CandidError):
        load_signer(tmp_path / "missing.pem", bad)
    with pytest.raises(CandidError):
        label_and_write(portrait, tmp_path / "x.bmp")


def test_sign_c2pa_refuses_unknown_suffix(tmp_path, signer):
    with pytest.raises(CandidError):
        sign_c2pa(tmp_path / "a.jpg", tmp_path / "a.gif", [], signer)


# -- CLI ---------------------------------------------------------------------

def test_cli_verify(tmp_path, portrait, signer, capsys):
    from candid.cli import main

    out = label_and_write(portrait, tmp_path / "v.jpg", signer=signer)
    assert main(["verify", str(out)]) == 0
    text = capsys.readouterr().out
    assert "C2PA:       valid" in text and "AI-edited" in text and "watermark:  id" in text
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0garbage")
    assert main(["verify", str(junk)]) != 0
    assert main(["verify", str(tmp_path / "missing.png")]) != 0
    assert main(["certs", "--dir", str(tmp_path / "certs")]) == 0
    assert (tmp_path / "certs" / "candid-dev-chain.pem").exists()


def test_cli_verify_unlabelled_image(tmp_path, astronaut, capsys):
    from candid.cli import main
    from candid.imageio import write_image

    path = write_image(tmp_path / "plain.png", astronaut)
    assert main(["verify", str(path), "--json"]) == 0
    text = capsys.readouterr().out
    assert '"status": "absent"' in text and '"xmp": null' in text
