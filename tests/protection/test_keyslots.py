"""Key slots (db/keyslots.py) and failed attempts (db/unlock_attempts.py): every operation, the
recovery code, tampering, and crashes injected into every write (in process and by SIGKILL)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest

from db import keyslots
from db.keyslots import (
    DEFAULT_KDF,
    KdfCost,
    KeysDoNotOpen,
    KeysFileDamaged,
    KeysFileMissing,
    KeySlotError,
    KeySlotFile,
    RecoveryCodeTypo,
    WrongPassphrase,
    check_new_passphrase,
    data_key_from_recovery,
    key_id,
    keys_path,
    new_data_key,
    normalise,
    recover,
    recovery_code,
)
from db.slot_crypto import unb64
from db.unlock_attempts import Attempts, attempts_path, delay_after

FAST = KdfCost(n=16, r=1, p=1)  # the explicit low cost for tests; production uses DEFAULT_KDF
ROOT = Path(__file__).resolve().parents[1]

P_MANAGER = "manager passphrase one"
P_WORKER = "worker passphrase one"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "service.db"


def made(db, passphrase=P_MANAGER):
    return KeySlotFile.create(db, "Mo Manager", passphrase, kdf=FAST)


def opens(db, passphrases, try_key=None):
    """{passphrase: (name, role)} for each passphrase that opens a slot of the file on disk."""
    keys = KeySlotFile.load(db)
    out = {}
    for p in passphrases:
        try:
            got = keys.unlock(p, try_key=try_key)
        except WrongPassphrase:
            continue
        out[p] = (got.slot.name, got.slot.role)
    return out


# -- passphrases -----------------------------------------------------------------------------


def test_new_passphrase_rule_counts_characters_after_nfc():
    assert check_new_passphrase("short") == "A passphrase needs at least 10 characters; this one has 5."
    nfd = unicodedata.normalize("NFD", "cafécafé12")  # 12 code points, 10 characters
    assert len(nfd) == 12 and check_new_passphrase(nfd) is None
    assert check_new_passphrase(unicodedata.normalize("NFD", "cafécafé1")) is not None  # 9 characters
    assert normalise(nfd) == "cafécafé12"


# -- create and unlock -------------------------------------------------------------------------


def test_create_writes_a_private_versioned_keys_file(db):
    keys, data_key, code = made(db)
    path = keys_path(db)
    assert path == db.with_name("service.db.keys")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc["format"] == "ycworker-keys" and doc["version"] == 1
    assert doc["key_id"] == key_id(data_key) and doc["pending_key_id"] is None
    (slot,) = doc["slots"]
    assert slot["role"] == "manager" and slot["name"] == "Mo Manager"
    assert slot["kdf"]["name"] == "scrypt" and slot["kdf"]["n"] == 16
    assert data_key.hex() not in path.read_text() and P_MANAGER not in path.read_text()
    assert len(data_key) == 32 and data_key_from_recovery(code) == data_key
    assert [len(g) for g in code.split()] == [4] * 14
    assert list(path.parent.glob(".*.tmp")) == []
    with pytest.raises(KeySlotError, match="already has a keys file"):
        made(db)


def test_without_a_cost_given_the_slot_uses_the_production_scrypt_cost(db):
    keys, _, _ = KeySlotFile.create(db, "Mo Manager", P_MANAGER)
    kdf = keys.slots[0].kdf
    assert (kdf["n"], kdf["r"], kdf["p"]) == (DEFAULT_KDF.n, DEFAULT_KDF.r, DEFAULT_KDF.p) == (2**16, 8, 1)
    assert len(unb64(kdf["salt"])) == 16


def test_create_refuses_a_short_first_passphrase(db):
    with pytest.raises(KeySlotError, match="at least 10 characters"):
        KeySlotFile.create(db, "Mo", "short", kdf=FAST)
    assert not keys_path(db).exists()


def test_unlock_says_who_and_gives_the_data_key(db):
    keys, data_key, _ = made(db)
    got = KeySlotFile.load(db).unlock(P_MANAGER)
    assert got.data_key == data_key and got.slot.role == "manager" and not got.rekey_interrupted
    assert got.slot.worker_id == keys.slots[0].worker_id


def test_unlock_tries_the_preferred_workers_slots_first(db, monkeypatch):
    keys, data_key, _ = made(db)
    wren = keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    tried = []
    real = keyslots.open_private
    monkeypatch.setattr(keyslots, "open_private", lambda slot, p: tried.append(slot.name) or real(slot, p))
    assert KeySlotFile.load(db).unlock(P_WORKER, prefer=[wren.worker_id]).slot == wren
    assert tried == ["Wren Worker"]  # one KDF, not two


def test_wrong_passphrase_of_any_length_is_wrong_and_writes_nothing(db):
    made(db)
    before = keys_path(db).read_bytes(), keys_path(db).stat().st_mtime_ns
    for wrong in ("x", "manager passphrase two", ""):
        with pytest.raises(WrongPassphrase):
            KeySlotFile.load(db).unlock(wrong)
    assert (keys_path(db).read_bytes(), keys_path(db).stat().st_mtime_ns) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["service.db.keys"]


def test_cafe_typed_nfc_or_nfd_opens_the_same_slot(db):
    nfc = unicodedata.normalize("NFC", "café au lait")
    nfd = unicodedata.normalize("NFD", "café au lait")
    assert nfc != nfd
    _, data_key, _ = KeySlotFile.create(db, "Zoë", nfd, kdf=FAST)
    assert KeySlotFile.load(db).unlock(nfc).data_key == data_key
    assert KeySlotFile.load(db).unlock(nfd).data_key == data_key


@pytest.mark.parametrize("field,value", [("role", "worker"), ("name", "Someone Else"),
                                         ("worker_id", "00000000-0000-4000-8000-000000000000")])
def test_a_slot_edited_in_the_json_refuses_its_passphrase(db, field, value):
    keys, data_key, _ = made(db)
    keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    doc = json.loads(keys_path(db).read_text())
    doc["slots"][1][field] = value if field != "role" else "manager"  # a worker made manager
    doc["slots"][0][field] = value
    keys_path(db).write_text(json.dumps(doc))
    for p in (P_MANAGER, P_WORKER):
        with pytest.raises(WrongPassphrase):
            KeySlotFile.load(db).unlock(p)


@pytest.mark.parametrize("damage", [{"salt": "not base64!"}, {"n": 2**40}, {"n": 3}, {"r": "eight"}])
def test_one_damaged_slot_does_not_keep_the_other_workers_out(db, damage):
    keys, data_key, _ = made(db)
    keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    doc = json.loads(keys_path(db).read_text())
    doc["slots"][0]["kdf"].update(damage)
    keys_path(db).write_text(json.dumps(doc))
    with pytest.raises(WrongPassphrase):
        KeySlotFile.load(db).unlock(P_MANAGER)
    assert KeySlotFile.load(db).unlock(P_WORKER).data_key == data_key


def test_a_damaged_or_missing_keys_file_says_use_the_recovery_key(db):
    with pytest.raises(KeysFileMissing, match="recovery key"):
        KeySlotFile.load(db)
    made(db)
    keys_path(db).write_text('{"format": "ycworker-keys", "version": 1, "slo')
    with pytest.raises(KeysFileDamaged, match="recovery key"):
        KeySlotFile.load(db)


# -- the manager's operations ------------------------------------------------------------------


def test_add_slot_opens_for_the_new_worker_only_with_the_data_key(db):
    keys, data_key, _ = made(db)
    info = keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    got = KeySlotFile.load(db).unlock(P_WORKER)
    assert got.slot == info and info.role == "worker" and got.data_key == data_key
    with pytest.raises(KeySlotError, match="already a worker called"):
        keys.add_slot(data_key, "wren worker", "worker", "another passphrase", kdf=FAST)
    with pytest.raises(KeySlotError, match="at least 10"):
        keys.add_slot(data_key, "Ash", "worker", "short", kdf=FAST)
    with pytest.raises(KeysDoNotOpen):
        keys.add_slot(new_data_key(), "Ash", "worker", "ash passphrase", kdf=FAST)
    with pytest.raises(KeySlotError, match="role"):
        keys.add_slot(data_key, "Ash", "boss", "ash passphrase", kdf=FAST)
    assert [w.name for w in KeySlotFile.load(db).workers] == ["Mo Manager", "Wren Worker"]


def test_remove_slot_refuses_the_removed_passphrase_and_keeps_a_manager(db):
    keys, data_key, _ = made(db)
    info = keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    keys.remove_slot(info.worker_id)
    with pytest.raises(WrongPassphrase):
        KeySlotFile.load(db).unlock(P_WORKER)
    with pytest.raises(KeySlotError, match="last manager"):
        keys.remove_slot(keys.slots[0].worker_id)
    with pytest.raises(KeySlotError, match="no passphrase"):
        keys.remove_slot(info.worker_id)


def test_reset_replaces_the_slot_for_the_same_worker(db):
    keys, data_key, _ = made(db)
    info = keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    old_public = keys.slots[1].public_key
    assert keys.reset(data_key, info.worker_id, "wren's new passphrase", kdf=FAST) == info
    assert keys.slots[1].public_key != old_public  # a new key pair, not a reseal
    with pytest.raises(WrongPassphrase):
        KeySlotFile.load(db).unlock(P_WORKER)
    assert KeySlotFile.load(db).unlock("wren's new passphrase").slot == info


def test_change_own_passphrase_reseals_one_slot_and_nothing_else(db):
    keys, data_key, _ = made(db)
    keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    before = json.loads(keys_path(db).read_text())
    keys.change_own_passphrase(P_WORKER, "wren's second passphrase", kdf=FAST)
    after = json.loads(keys_path(db).read_text())
    assert after["slots"][0] == before["slots"][0]
    changed = {k for k in before["slots"][1] if before["slots"][1][k] != after["slots"][1][k]}
    assert changed == {"kdf", "private_key"}
    del before["slots"], after["slots"]
    assert after == before
    assert KeySlotFile.load(db).unlock("wren's second passphrase").data_key == data_key
    with pytest.raises(WrongPassphrase):
        KeySlotFile.load(db).unlock(P_WORKER)
    with pytest.raises(WrongPassphrase):
        keys.change_own_passphrase("not the passphrase", "whatever passphrase", kdf=FAST)
    with pytest.raises(KeySlotError, match="at least 10"):
        keys.change_own_passphrase(P_MANAGER, "short", kdf=FAST)


# -- rekey -----------------------------------------------------------------------------------------


def test_rewrap_all_gives_every_slot_the_new_key_and_a_new_recovery_code(db):
    keys, old_key, old_code = made(db)
    keys.add_slot(old_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    new_key = new_data_key()
    calls = []
    code = keys.rewrap_all(old_key, new_key, lambda: calls.append(KeySlotFile.load(db).pending_key_id))
    assert calls == [key_id(new_key)]  # phase 1 was on disk when the database was rekeyed
    assert code != old_code and data_key_from_recovery(code) == new_key
    fresh = KeySlotFile.load(db)
    assert fresh.key_id == key_id(new_key) and fresh.pending_key_id is None
    assert all(s.pending is None for s in fresh.slots)
    for p in (P_MANAGER, P_WORKER):
        assert fresh.unlock(p).data_key == new_key


def test_an_interrupted_rekey_opens_with_whichever_key_the_database_is_under(db):
    keys, old_key, _ = made(db)
    keys.add_slot(old_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    new_key = new_data_key()
    keys.begin_rekey(old_key, new_key)
    with pytest.raises(KeySlotError, match="interrupted"):
        keys.add_slot(old_key, "Ash", "worker", "ash passphrase", kdf=FAST)
    for under in (old_key, new_key):
        got = KeySlotFile.load(db).unlock(P_WORKER, try_key=lambda k, under=under: k == under)
        assert got.data_key == under and got.rekey_interrupted
    with pytest.raises(KeysDoNotOpen):
        KeySlotFile.load(db).unlock(P_WORKER, try_key=lambda k: False)
    KeySlotFile.load(db).settle(new_key)
    fresh = KeySlotFile.load(db)
    assert fresh.key_id == key_id(new_key) and fresh.pending_key_id is None
    assert fresh.unlock(P_MANAGER).data_key == new_key


def test_a_failed_database_rekey_leaves_both_keys_and_settle_drops_the_new_one(db):
    keys, old_key, _ = made(db)
    new_key = new_data_key()

    def rekey_fails():
        raise OSError("disk full")

    with pytest.raises(OSError):
        keys.rewrap_all(old_key, new_key, rekey_fails)
    got = KeySlotFile.load(db).unlock(P_MANAGER, try_key=lambda k: k == old_key)
    assert got.rekey_interrupted
    KeySlotFile.load(db).settle(got.data_key)
    assert KeySlotFile.load(db).pending_key_id is None
    assert KeySlotFile.load(db).unlock(P_MANAGER).data_key == old_key


def test_rekey_refuses_a_slot_whose_public_key_was_swapped(db):
    keys, data_key, _ = made(db)
    keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    intruder = KeySlotFile.create(db.with_name("other.db"), "Eve Intruder", "eve's passphrase", kdf=FAST)[0]
    doc = json.loads(keys_path(db).read_text())
    doc["slots"][1]["public_key"] = intruder.slots[0].public_key
    keys_path(db).write_text(json.dumps(doc))
    with pytest.raises(KeysFileDamaged, match="Wren Worker"):
        KeySlotFile.load(db).begin_rekey(data_key, new_data_key())
    assert KeySlotFile.load(db).pending_key_id is None


# -- the recovery code -------------------------------------------------------------------------


def test_recovery_code_reads_leniently_and_catches_every_single_typo():
    data_key = bytes(range(32))
    code = recovery_code(data_key)
    assert data_key_from_recovery(code.lower().replace(" ", "-")) == data_key
    assert data_key_from_recovery(code.replace("0", "O").replace("1", "l")) == data_key
    text = code.replace(" ", "")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for i, c in enumerate(text):  # every substitution at every place (1,736 codes)
        for other in alphabet.replace(c, ""):
            with pytest.raises(RecoveryCodeTypo, match="typo"):
                data_key_from_recovery(text[:i] + other + text[i + 1:])
    for i in range(len(text) - 1):  # every swap of two neighbours
        if text[i] != text[i + 1]:
            with pytest.raises(RecoveryCodeTypo):
                data_key_from_recovery(text[:i] + text[i + 1] + text[i] + text[i + 2:])
    with pytest.raises(RecoveryCodeTypo, match="has 55"):
        data_key_from_recovery(text[:-1])
    with pytest.raises(RecoveryCodeTypo, match="'U'"):
        data_key_from_recovery("U" + text[1:])


def test_the_recovery_code_opens_with_the_keys_file_deleted(db):
    keys, data_key, code = made(db)
    keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    keys_path(db).unlink()
    assert data_key_from_recovery(code) == data_key  # the database opens with this alone
    keys2, got, info = recover(db, code, "Mo Manager", "mo's new passphrase", try_key=lambda k: k == data_key,
                               kdf=FAST)
    assert got == data_key and info.role == "manager"
    assert KeySlotFile.load(db).unlock("mo's new passphrase").data_key == data_key
    assert [w.name for w in keys2.workers] == ["Mo Manager"]


def test_recovery_resets_the_manager_in_an_intact_file_and_sets_a_damaged_one_aside(db):
    keys, data_key, code = made(db)
    keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
    opens_db = lambda k: k == data_key  # noqa: E731
    with pytest.raises(WrongPassphrase):
        recover(db, recovery_code(new_data_key()), "Mo Manager", "mo's new passphrase", try_key=opens_db)
    with pytest.raises(KeySlotError, match="not a manager"):
        recover(db, code, "Wren Worker", "wren's new passphrase", try_key=opens_db, kdf=FAST)
    recover(db, code, "mo manager", "mo's new passphrase", try_key=opens_db, kdf=FAST)
    assert opens(db, [P_MANAGER, "mo's new passphrase", P_WORKER]) == {
        "mo's new passphrase": ("Mo Manager", "manager"), P_WORKER: ("Wren Worker", "worker")}
    keys_path(db).write_text("not json")
    recover(db, code, "Mo Manager", "mo's third passphrase", try_key=opens_db, kdf=FAST)
    assert db.with_name("service.db.keys.damaged").read_text() == "not json"
    assert opens(db, ["mo's third passphrase"]) == {"mo's third passphrase": ("Mo Manager", "manager")}


def test_recovery_during_an_interrupted_rekey_settles_it(db):
    keys, old_key, _ = made(db)
    new_key = new_data_key()
    new_code = keys.begin_rekey(old_key, new_key)
    recover(db, new_code, "Mo Manager", "mo's new passphrase", try_key=lambda k: k == new_key, kdf=FAST)
    fresh = KeySlotFile.load(db)
    assert fresh.key_id == key_id(new_key) and fresh.pending_key_id is None
    assert fresh.unlock("mo's new passphrase").data_key == new_key


# -- crashes injected into every write --------------------------------------------------------


class Crash(BaseException):
    """A power cut at one step of a write (BaseException: nothing catches it as an error)."""


def _crash_at(monkeypatch, step):
    """Make the ``step``-th file operation of the next write raise Crash (and count them)."""
    count = [0]
    real = {name: getattr(os, name) for name in ("write", "fsync", "replace", "open")}

    def wrap(name):
        def op(*args, **kwargs):
            count[0] += 1
            if count[0] == step:
                raise Crash(name)
            return real[name](*args, **kwargs)
        return op

    for name in real:
        monkeypatch.setattr(keyslots.os, name, wrap(name))
    return count


def _operations(db, keys, data_key):
    """(name, run, passphrases that open after) for each write operation, from the state where the
    manager (P_MANAGER) and Wren (P_WORKER) have slots."""
    wren = next(s.worker_id for s in keys.slots if s.role == "worker")
    return [
        ("change", lambda: keys.change_own_passphrase(P_WORKER, "wren changed it", kdf=FAST),
         {P_MANAGER: ("Mo Manager", "manager"), "wren changed it": ("Wren Worker", "worker")}),
        ("add", lambda: keys.add_slot(data_key, "Ash", "worker", "ash passphrase", kdf=FAST),
         {P_MANAGER: ("Mo Manager", "manager"), P_WORKER: ("Wren Worker", "worker"),
          "ash passphrase": ("Ash", "worker")}),
        ("remove", lambda: keys.remove_slot(wren), {P_MANAGER: ("Mo Manager", "manager")}),
        ("reset", lambda: keys.reset(data_key, wren, "wren was reset", kdf=FAST),
         {P_MANAGER: ("Mo Manager", "manager"), "wren was reset": ("Wren Worker", "worker")}),
    ]


ALL = [P_MANAGER, P_WORKER, "wren changed it", "ash passphrase", "wren was reset"]


def test_a_crash_at_any_step_of_any_slot_write_leaves_the_old_or_the_new_passphrases(tmp_path, monkeypatch):
    rng = random.Random(14)
    outcomes = set()
    for run in range(50):
        db = tmp_path / f"run{run}" / "service.db"
        db.parent.mkdir()
        keys, data_key, _ = made(db)
        keys.add_slot(data_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
        before = opens(db, ALL)
        name, operation, after = rng.choice(_operations(db, keys, data_key))
        # the lock, the temporary file's open, write, fsync, the rename, the folder's open, fsync; or none
        step = rng.randint(1, 8)
        with monkeypatch.context() as m:
            _crash_at(m, step)
            try:
                operation()
                crashed = False
            except Crash:
                crashed = True
        now = opens(db, ALL)
        assert now in (before, after), (name, step)
        assert now == after or crashed, (name, step)
        assert list(db.parent.glob(".*.tmp")) == []
        outcomes.add((crashed, "after" if now == after else "before"))
    # crashes before the rename kept the old slots, after it the new; some runs did not crash
    assert outcomes == {(True, "before"), (True, "after"), (False, "after")}


def test_a_crash_at_any_step_of_a_rekey_leaves_every_passphrase_opening_the_database(tmp_path, monkeypatch):
    rng = random.Random(1414)
    seen = set()
    for run in range(50):
        db = tmp_path / f"run{run}" / "service.db"
        db.parent.mkdir()
        keys, old_key, _ = made(db)
        keys.add_slot(old_key, "Wren Worker", "worker", P_WORKER, kdf=FAST)
        new_key = new_data_key()
        database = {"key": old_key}  # the simulated SQLCipher file: which key it is under
        step = rng.randint(1, 15)  # two changes of 7 steps each, and past the end
        with monkeypatch.context() as m, contextlib.suppress(Crash):
            _crash_at(m, step)
            keys.rewrap_all(old_key, new_key, lambda db=database, k=new_key: db.update(key=k))
        under = database["key"]
        seen.add((under == new_key, KeySlotFile.load(db).pending_key_id is not None))
        for p in (P_MANAGER, P_WORKER):
            got = KeySlotFile.load(db).unlock(p, try_key=lambda k, u=under: k == u)
            assert got.data_key == under, step
        KeySlotFile.load(db).settle(under)
        fresh = KeySlotFile.load(db)
        assert fresh.pending_key_id is None and fresh.key_id == key_id(under)
        assert opens(db, ALL) == {P_MANAGER: ("Mo Manager", "manager"), P_WORKER: ("Wren Worker", "worker")}
    # before phase 1, between the phases with the database on the old key and on the new, and done
    assert seen == {(False, False), (False, True), (True, True), (True, False)}


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from db.keyslots import KdfCost, KeySlotFile, atomic_write, new_data_key
    FAST = KdfCost(n=16, r=1, p=1)
    db, state, sim = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[1] + ".simdb")
    M1, M2 = "manager passphrase one", "manager passphrase two"
    W1, W2 = "wren passphrase one", "wren passphrase two"
    manager = [M1, M2, M2, M2, M2][state]
    keys = KeySlotFile.load(db)
    got = keys.unlock(manager, try_key=lambda k: k.hex() == sim.read_text())
    if got.rekey_interrupted:
        keys.settle(got.data_key)
    data_key = got.data_key

    def rekey():
        global data_key
        new = new_data_key()
        keys.rewrap_all(data_key, new, lambda: atomic_write(sim, new.hex().encode()))
        data_key = new

    def wren():
        return next(s.worker_id for s in keys.slots if s.role == "worker")

    steps = [
        lambda: keys.change_own_passphrase(M1, M2, kdf=FAST),              # 0 -> 1
        lambda: keys.add_slot(data_key, "Wren", "worker", W1, kdf=FAST),   # 1 -> 2
        lambda: keys.reset(data_key, wren(), W2, kdf=FAST),                # 2 -> 3
        rekey,                                                              # 3 -> 4
        lambda: (keys.remove_slot(wren()), keys.change_own_passphrase(M2, M1, kdf=FAST)),  # 4 -> 0
    ]
    print("ready", flush=True)
    while True:
        steps[state]()
        state = (state + 1) % len(steps)
""")

STATES = [
    {"manager passphrase one": "manager"},
    {"manager passphrase two": "manager"},
    {"manager passphrase two": "manager", "wren passphrase one": "worker"},
    {"manager passphrase two": "manager", "wren passphrase two": "worker"},
    {"manager passphrase two": "manager", "wren passphrase two": "worker"},  # after the rekey
]


def test_fifty_sigkills_at_random_moments_never_lock_anyone_out(tmp_path):
    """A child process cycles through every write (change, add, reset, rekey, remove) and is killed
    at a random moment, 50 times; after each kill the file opens with the passphrases of one state
    of the cycle, under the key the (simulated) database has, and the next child carries on."""
    db = tmp_path / "service.db"
    _, data_key, _ = KeySlotFile.create(db, "Mo Manager", "manager passphrase one", kdf=FAST)
    sim = Path(f"{db}.simdb")
    sim.write_text(data_key.hex())
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(50)
    every = sorted({p for s in STATES for p in s})
    state, seen, interrupted = 0, set(), 0
    for _ in range(50):
        child = subprocess.Popen([sys.executable, str(script), str(db), str(state)], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n", child.stderr.read()
        try:
            child.wait(timeout=rng.uniform(0.0, 0.08))
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
        child.stdout.close()
        child.stderr.close()
        under = bytes.fromhex(sim.read_text())
        interrupted += KeySlotFile.load(db).pending_key_id is not None
        now = {p: role for p, (_, role) in opens(db, every, try_key=lambda k, u=under: k == u).items()}
        assert now in STATES, now  # never neither: one state of the cycle, under the database's key
        # carry on from there (between the last step's two writes, Wren's removal is state 1 again;
        # states 3 and 4 differ only in the key, and from 3 the child rekeys once more)
        state = STATES.index(now)
        seen.add(state)
    assert len(seen) >= 3  # the kills landed in several places of the cycle


# -- failed attempts -----------------------------------------------------------------------------


def test_the_delay_grows_caps_at_thirty_and_is_counted_from_the_last_failure(db):
    assert [delay_after(n) for n in range(9)] == [0, 1, 2, 4, 8, 16, 30, 30, 30]
    now = [1_000_000.0]
    attempts = Attempts(db, clock=lambda: now[0])
    assert attempts.delay_before_attempt() == 0
    waits = [attempts.record_failure() for _ in range(8)]
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]
    now[0] += 10
    assert attempts.delay_before_attempt() == 20
    now[0] += 25
    assert attempts.delay_before_attempt() == 0
    now[0] -= 3600  # a clock set back never waits longer than the rule
    assert attempts.delay_before_attempt() == 30
    assert stat.S_IMODE(attempts_path(db).stat().st_mode) == 0o600
    assert sorted(p.name for p in db.parent.iterdir()) == ["service.db.attempts"]


def test_attempts_survive_a_new_process_and_a_success_returns_them_for_the_audit(db):
    code = ("import sys; from db.unlock_attempts import Attempts; a = Attempts(sys.argv[1]); "
            "a.record_failure(); a.record_failure(); print(a.delay_before_attempt() > 0)")
    out = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "True"
    attempts = Attempts(db)
    assert len(attempts.failures()) == 2
    assert 0 < attempts.delay_before_attempt() <= 2
    audited = attempts.record_success()
    assert len(audited) == 2 and all(t.tzinfo is not None for t in audited)
    assert attempts.delay_before_attempt() == 0 and attempts.record_success() == []
    assert not attempts_path(db).exists()
