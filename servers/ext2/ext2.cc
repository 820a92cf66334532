// ext2: the file server (interface `fs`, libs/arcserver/include/arc/iface/fs.hh) on the disk of
// the `block` server, with libs/ext2 doing the file system.
//
// Boot configuration:   server ext2 ext2 after=pata restart=hot,warm,cold
//
// Recovery (STYLE 13, ARCHITECTURE §5): significant and persistent are the open-file table (which
// client has which file open), the inode table (the inodes of open files, kept in memory), the
// record of the last request served (so a replayed request is answered once, not applied twice),
// the metadata transaction of the operation in progress, the undo record of the tables (Undo: a
// request interrupted while changing them is rolled back, then replayed) and the session with the
// block server (disk.hh). Rebuilt after a restart: libs/ext2's own state (superblock and group descriptors are
// read again at mount) and the data buffer. The tables, the record, the undo record and the
// transaction's record are the interface's state (carried.hh): a swap to the alternate (ext2-alt)
// carries them, and the new program continues the clients' open files.
//
// A replayed request whose transaction reached the disk is answered from the record (or, if the
// server failed between the disk and the record, from what the request asked for); one whose
// transaction did not is carried out again on a disk that is as it was before. Every change is
// audited before it commits (libs/ext2/src/audit.cc); one that fails panics this server before
// the disk sees it. Every result is also checked against its request before the reply
// (postcond.hh, Violated()): a write reads back what it wrote before its transaction commits.
#include "disk.hh"
#include "postcond.hh"

#include <arc/iface/fs.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <ext2/ext2.hh>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

using namespace arc;
using ext2srv::Disk;
using FsError = arc::fs::Error;

namespace {

using ext2srv::Done;
using ext2srv::FsState;
using ext2srv::InodeSlot;
using ext2srv::OpenFile;
using ext2srv::max_inodes;
using ext2srv::max_open;

// The significant state (carried.hh): persistent, and the interface's rather than this
// program's, so it is in .pdata.arc.iface, which a swap to the alternate carries with the
// framework's area (libs/pmem/pdata.ld). One variable, so ext2 and ext2-alt lay it out alike.
__attribute__((section(".pdata.arc.iface"))) ext2srv::Carried g_carried = {};
FsState &g_fs = g_carried.fs;
ext2srv::Undo &g_undo = g_carried.undo;

// Not significant: rebuilt at every start.
Disk g_disk;
ext2::Fs g_ext2;
char g_buf[fs::max_io];
char g_back[fs::max_io];   // a write's data read back (WriteCheck)

// The write in progress, for its check before the commit (Disk::SetCheck).
struct {
  const ext2::Inode *ino;
  uint64_t off;
  uint32_t n;
  const uint32_t *done;
} g_write;

// A name operation in progress, for its check before the commit (NamesCheck): the directories
// whose census it must move and by how much, the name it must leave resolving (to `made_ino`,
// or when that is 0 to an inode of type `made_type` that the census's sum then counts), and the
// name it must leave gone. Not significant (volatile).
struct DirMove {
  uint32_t dir;
  ext2srv::Census before;
  int32_t entries;
  uint32_t sum;
};
struct {
  DirMove d[2];
  unsigned n;
  const char *made;
  uint32_t made_ino;
  uint16_t made_type;
  bool made_dir;        // mkdir: the new directory holds . and .. alone
  const char *gone;
} g_names;

uint32_t clock_seconds() {
  const proc::Info *info = process_info();
  const word ms = kd_ticks() * (info && info->tick_ms ? info->tick_ms : 1);
  return 1704067200u + ms / 1000;   // 2024-01-01 plus the time since boot
}

FsError to_fs(ext2::Error e) { return FsError(word(e)); }

} // namespace

ext2srv::TxState &Disk::tx() { return g_carried.tx; }

class Ext2Server : public ArcServer<Ext2Server> {
public:
  Ext2Server() : ArcServer("ext2") {}

  Status Initialize() {
    if (start_kind() == StartKind::swapped) {
      if (Status st; SwappedIn(&st)) return st;
    }
    g_carried = ext2srv::Carried{};
    g_carried.stamp = ext2srv::carried_stamp;
    g_fs.magic = ext2srv::state_magic;
    if (Status st = g_disk.Connect(true); st != Status::ok) {
      ::printf("[ext2] no block device (%s)\n", status_name(st));
      return st;
    }
    if (Status st = Mount(); st != Status::ok) return st;
    RegisterName(fs::service_name);
    const ext2::FsInfo i = g_ext2.info();
    ::printf("[ext2] mounted: %lu KiB blocks, %lu of %lu blocks and %lu of %lu inodes free%s\n",
             word(i.block_size / 1024), word(i.free_blocks), word(i.blocks), word(i.free_inodes),
             word(i.inodes), i.writable ? "" : ", read-only");
    return Status::ok;
  }

  Recovery Recover() {
    if (g_undo.seq) RollBack();
    if (g_carried.stamp != ext2srv::carried_stamp || !ext2srv::plausible(g_fs))
      return Recovery::cold;
    if (g_disk.Connect(false) != Status::ok) return Recovery::cold;
    if (g_disk.Redo() != ext2::Error::ok) return Recovery::cold;
    if (Mount() != Status::ok) return Recovery::cold;
    // The disk is the truth now: take the open files' inodes from it again.
    for (InodeSlot &s : g_fs.inodes)
      if (s.refs && g_ext2.get(s.inode.ino, s.inode) != ext2::Error::ok) return Recovery::cold;
    RegisterName(fs::service_name);
    ::printf("[ext2] recovered: %u open files, %lu transactions redone\n",
             ext2srv::open_files(g_fs), Disk::tx().redos);
    return Recovery::resume;
  }

  static constexpr auto Handlers() { return fs::handlers<Ext2Server>; }

  // ---- open files -----------------------------------------------------------------------------
  Status Open(const Request &req, Reply &rep) {
    char path[fs::max_path];
    if (!Path(req, 2, path)) return Status::invalid_arg;
    const word flags = req.arg(1);
    if (req.replayed)   // the entry may exist already
      for (OpenFile &f : g_fs.files)
        if (f.id && f.open_seq == req.seq && f.badge == req.badge) return Opened(rep, f);
    Changing changing(req);
    g_disk.SetSeq(req.seq);
    uint32_t ino;
    ext2::Error e = g_ext2.lookup(path, &ino);
    if (e == ext2::Error::not_found && (flags & fs::o_create)) {
      e = g_ext2.create(path, 0644, &ino);
      if (e == ext2::Error::exists) e = g_ext2.lookup(path, &ino);
    }
    if (e != ext2::Error::ok) return Fail(rep, to_fs(e));
    word slot;
    if (!InodeFor(ino, &slot)) return Fail(rep, FsError::busy);
    OpenFile *free_file = nullptr;
    for (OpenFile &f : g_fs.files)
      if (!f.id) { free_file = &f; break; }
    if (!free_file) {
      Unref(slot);
      return Fail(rep, FsError::busy);
    }
    ext2::Inode &in = g_fs.inodes[slot].inode;
    if (!in.is_reg() && !in.is_dir()) {   // a device, a fifo: nothing this server can serve
      Unref(slot);
      return Fail(rep, FsError::unsupported);
    }
    if ((flags & fs::o_truncate) && in.is_reg() && in.size()) {
      ext2::Inode copy = in;
      if ((e = g_ext2.truncate(copy, 0)) != ext2::Error::ok) {
        Unref(slot);
        return Fail(rep, to_fs(e));
      }
      in = copy;
    }
    g_fs.generation = (g_fs.generation + 1) & 0xffffff;
    OpenFile f{};
    f.badge = req.badge;
    f.slot = slot;
    f.open_seq = req.seq;
    f.id = (g_fs.generation << 8) | word(free_file - g_fs.files + 1);
    *free_file = f;   // id last: the entry counts from here
    return Opened(rep, *free_file);
  }

  Status Close(const Request &req, Reply &rep) {
    OpenFile *f = File(req, req.arg(1));
    if (!f) return Fail(rep, FsError::bad_handle);
    Changing changing(req);
    const word slot = f->slot;
    *f = OpenFile{};
    Unref(slot);
    return Ok(rep);
  }

  // ---- contents -------------------------------------------------------------------------------
  Status Read(const Request &req, Reply &rep) {
    OpenFile *f = File(req, req.arg(1));
    SessionEntry *s = sessions().Find(req.badge, req.arg(2));
    const word area_off = req.arg(3), n = req.arg(5);
    const uint64_t off = fs::join_words(req.arg(4), req.arg(6));
    if (!f) return Fail(rep, FsError::bad_handle);
    if (!s || n > fs::max_io || area_off > s->bytes || n > s->bytes - area_off)
      return Status::invalid_arg;
    uint32_t got = 0;
    const ext2::Inode &in = g_fs.inodes[f->slot].inode;
    const ext2::Error e = g_ext2.read(in, off, g_buf, uint32_t(n), &got);
    if (e != ext2::Error::ok) return Fail(rep, to_fs(e));
    if (!ext2srv::read_result_ok(off, uint32_t(n), in.size(), got))
      Violated("read of %lu bytes gave %lu", n, word(got));
    if (!s->Put(area_off, g_buf, got)) return Status::invalid_arg;
    rep.put(0);
    rep.put(got);
    return Status::ok;
  }

  Status Write(const Request &req, Reply &rep) {
    if (Status st; Replayed(req, rep, &st)) return st;
    OpenFile *f = File(req, req.arg(1));
    SessionEntry *s = sessions().Find(req.badge, req.arg(2));
    const word area_off = req.arg(3), n = req.arg(5);
    const uint64_t off = fs::join_words(req.arg(4), req.arg(6));
    if (!f) return Fail(rep, FsError::bad_handle);
    if (!s || n > fs::max_io || !s->Get(area_off, g_buf, n)) return Status::invalid_arg;
    ext2::Inode copy = g_fs.inodes[f->slot].inode;   // changed only once the disk has it
    Changing changing(req);
    uint32_t done = 0;
    g_disk.SetSeq(req.seq);
    g_write = {&copy, off, uint32_t(n), &done};
    g_disk.SetCheck(WriteCheck);
    const ext2::Error e = g_ext2.write(copy, off, g_buf, uint32_t(n), &done);
    g_disk.SetCheck(nullptr);
    if (!ext2srv::write_result_ok(off, uint32_t(n), e == ext2::Error::ok, done, copy.size()))
      Violated("write of %lu bytes: %lu written (%s)", n, word(done), ext2::error_name(e));
    g_fs.inodes[f->slot].inode = copy;
    return Record(req, rep, to_fs(e), done);
  }

  Status Truncate(const Request &req, Reply &rep) {
    if (Status st; Replayed(req, rep, &st)) return st;
    OpenFile *f = File(req, req.arg(1));
    if (!f) return Fail(rep, FsError::bad_handle);
    ext2::Inode copy = g_fs.inodes[f->slot].inode;
    Changing changing(req);
    g_disk.SetSeq(req.seq);
    const uint64_t want = fs::join_words(req.arg(2), req.arg(3));
    const ext2::Error e = g_ext2.truncate(copy, want);
    if (!ext2srv::truncate_result_ok(want, e == ext2::Error::ok, copy.size()))
      Violated("truncate to %lu left %lu bytes", word(want), word(copy.size()));
    g_fs.inodes[f->slot].inode = copy;
    return Record(req, rep, to_fs(e));
  }

  // ---- names ----------------------------------------------------------------------------------
  Status Create(const Request &req, Reply &rep) { return Make(req, rep, false); }
  Status Mkdir(const Request &req, Reply &rep) { return Make(req, rep, true); }

  Status Unlink(const Request &req, Reply &rep) { return Remove(req, rep, false); }
  Status Rmdir(const Request &req, Reply &rep) { return Remove(req, rep, true); }

  Status Stat(const Request &req, Reply &rep) { return StatOf(req, rep, true); }
  Status Lstat(const Request &req, Reply &rep) { return StatOf(req, rep, false); }

  // A name that does not fit the reply goes through the client's session (MR3, MR4); without
  // one it is name_too_long with the next position, so that the client can step past it.
  Status Readdir(const Request &req, Reply &rep) {
    OpenFile *f = File(req, req.arg(1));
    if (!f) return Fail(rep, FsError::bad_handle);
    SessionEntry *s = nullptr;
    if (req.untyped >= 3 && !(s = sessions().Find(req.badge, req.arg(3))))
      return Status::invalid_arg;
    uint64_t pos = req.arg(2);
    ext2::DirEntry e;
    const ext2::Error r = g_ext2.readdir(g_fs.inodes[f->slot].inode, &pos, &e);
    if (r != ext2::Error::ok) return Fail(rep, to_fs(r));
    const unsigned len = unsigned(strnlen(e.name, sizeof(e.name)));
    // error, position, inode, type, then the name's count word and bytes
    const bool fits = 5 + words_for(len) <= max_results;
    if (!fits && s && !s->Put(req.arg(4), e.name, len)) return Status::invalid_arg;
    rep.put(word(!fits && !s ? FsError::name_too_long : FsError::none));
    rep.put(word(pos));
    rep.put(e.ino);
    rep.put(e.type);
    if (fits) rep.put_bytes(e.name, len);
    else if (s) rep.put(word(len) | fs::path_in_session);
    return Status::ok;
  }

  // ---- links, rename, attributes --------------------------------------------------------------
  Status Rename(const Request &req, Reply &rep) {
    char from[fs::max_path], to[fs::max_path];
    unsigned next;
    if (!PathArg(req, 1, from, &next) || !PathArg(req, next, to, &next)) return Status::invalid_arg;
    if (Status st; Replayed(req, rep, &st)) return st;
    // A file being replaced must not be open (as for unlink): its slot would outlive it.
    uint32_t target = 0;
    if (g_ext2.lookup(to, &target, false) == ext2::Error::ok && IsOpen(target))
      return Record(req, rep, FsError::busy);
    uint32_t moved = 0;
    g_ext2.lookup(from, &moved, false);
    g_disk.SetSeq(req.seq);
    NamesBegin();
    if (moved && moved != target) ExpectRename(from, to, moved, target);
    const ext2::Error e = g_ext2.rename(from, to);
    g_disk.SetCheck(nullptr);
    // Done: the new name is the file, and the old one is gone (unless both were one file).
    if (e == ext2::Error::ok && (!Names(to, moved) || (moved != target && !Gone(from))))
      Violated("rename: the file is not at its new name alone");
    Refresh();
    return Record(req, rep, to_fs(e));
  }

  Status Link(const Request &req, Reply &rep) {
    char existing[fs::max_path], path[fs::max_path];
    unsigned next;
    if (!PathArg(req, 1, existing, &next) || !PathArg(req, next, path, &next))
      return Status::invalid_arg;
    if (Status st; Replayed(req, rep, &st)) return st;
    g_disk.SetSeq(req.seq);
    uint32_t linked = 0;
    NamesBegin();
    if (g_ext2.lookup(existing, &linked, false) == ext2::Error::ok && Expect(path, 1, linked)) {
      g_names.made = path;
      g_names.made_ino = linked;
    }
    const ext2::Error e = g_ext2.link(existing, path);
    g_disk.SetCheck(nullptr);
    uint32_t ino = 0;
    if (e == ext2::Error::ok &&
        (g_ext2.lookup(existing, &ino, false) != ext2::Error::ok || !Names(path, ino)))
      Violated("link: the new name is not the file");
    Refresh();
    return Record(req, rep, to_fs(e));
  }

  Status Symlink(const Request &req, Reply &rep) {
    char target[fs::max_path], path[fs::max_path];
    unsigned next;
    if (!PathArg(req, 1, target, &next) || !PathArg(req, next, path, &next))
      return Status::invalid_arg;
    uint32_t ino = 0;
    if (req.replayed && Disk::tx().applied_seq == req.seq && g_fs.done.seq != req.seq) {
      g_ext2.lookup(path, &ino, false);   // made before the failure: tell its inode
      return Record(req, rep, FsError::none, ino);
    }
    if (Status st; Replayed(req, rep, &st)) return st;
    g_disk.SetSeq(req.seq);
    NamesBegin();
    if (Expect(path, 1, 0)) {
      g_names.made = path;
      g_names.made_type = ext2::s_iflnk;
    }
    const ext2::Error e = g_ext2.symlink(target, path, &ino);
    g_disk.SetCheck(nullptr);
    if (e == ext2::Error::ok && !Names(path, ino)) Violated("symlink: the name is not the link");
    Refresh();
    return Record(req, rep, to_fs(e), ino);
  }

  // Reads only: the target goes into the client's area at MR2, at most MR3 bytes.
  Status Readlink(const Request &req, Reply &rep) {
    char path[fs::max_path];
    unsigned next;
    SessionEntry *s = sessions().Find(req.badge, req.arg(1));
    const word area_off = req.arg(2), room = req.arg(3);
    if (!s || !PathArg(req, 4, path, &next) || next != req.untyped + 1) return Status::invalid_arg;
    if (area_off > s->bytes || room > s->bytes - area_off) return Status::invalid_arg;
    uint32_t ino, len = 0;
    ext2::Inode link;
    ext2::Error e = g_ext2.lookup(path, &ino, false);
    if (e == ext2::Error::ok) e = g_ext2.get(ino, link);
    if (e == ext2::Error::ok) e = g_ext2.readlink(link, g_buf, sizeof(g_buf), &len);
    if (e != ext2::Error::ok) return Fail(rep, to_fs(e));
    const word n = len < room ? len : room;
    if (!s->Put(area_off, g_buf, n)) return Status::invalid_arg;
    rep.put(0);
    rep.put(len);
    return Status::ok;
  }

  Status Chmod(const Request &req, Reply &rep) {
    return Attr(req, rep, 2, [&](uint32_t ino) {
      return g_ext2.chmod(ino, uint16_t(req.arg(1) & 07777));
    });
  }
  Status Chown(const Request &req, Reply &rep) {
    return Attr(req, rep, 3, [&](uint32_t ino) {
      return g_ext2.chown(ino, uint32_t(req.arg(1)), uint32_t(req.arg(2)));
    });
  }
  Status Utime(const Request &req, Reply &rep) {
    return Attr(req, rep, 3, [&](uint32_t ino) {
      return g_ext2.utime(ino, uint32_t(req.arg(1)), uint32_t(req.arg(2)));
    });
  }

private:
  // While a handler changes the tables: the undo record holds them as they were (see Undo).
  struct Changing {
    explicit Changing(const Request &req) {
      g_undo.seq = 0;   // the copy below is whole before it counts
      g_undo.generation = g_fs.generation;
      memcpy(g_undo.files, g_fs.files, sizeof(g_fs.files));
      memcpy(g_undo.inodes, g_fs.inodes, sizeof(g_fs.inodes));
      g_undo.seq = req.seq ? req.seq : 1;
    }
    ~Changing() { g_undo.seq = 0; }
  };
  static void RollBack() {
    const word seq = ext2srv::roll_back(g_fs, g_undo);
    ::printf("[ext2] request %lu interrupted: open files as before it\n", seq);
  }

  // Started by a swap (the other implementation failed, or an administrator asked): the carried
  // state (carried.hh) holds the clients' open files. Taken over when it holds up: a new
  // connection and session with the block server (those were the old program's own), the disk
  // mounted, the open files' inodes read from it again, and the framework then re-issues the
  // request in flight, which finds its record (done, applied_seq) as after a warm restart. True
  // when it decided (*st: how the start went); false: start afresh.
  bool SwappedIn(Status *st) {
    const ext2srv::SwapIn in = ext2srv::take_over(g_carried);
    if (!in.usable) {
      ::printf("[ext2] swapped in: no usable open-file table came over: starting afresh\n");
      return false;
    }
    if (in.rolled_back)
      ::printf("[ext2] request %lu interrupted: open files as before it\n", in.rolled_back);
    if (in.tx == ext2srv::SwapTx::lost)
      ::printf("[ext2] swapped in: a committed transaction (request %lu) was not all on the disk "
               "and its data stayed with the old program: lost\n", Disk::tx().seq);
    if ((*st = g_disk.Connect(true)) != Status::ok) {
      ::printf("[ext2] no block device (%s)\n", status_name(*st));
      return true;
    }
    if ((*st = Mount()) != Status::ok) return true;
    for (InodeSlot &s : g_fs.inodes)
      if (s.refs && g_ext2.get(s.inode.ino, s.inode) != ext2::Error::ok) {
        ::printf("[ext2] swapped in: inode %lu of an open file unreadable: starting afresh\n",
                 word(s.inode.ino));
        return false;
      }
    RegisterName(fs::service_name);
    ::printf("[ext2] swapped in: %u open files carried over\n", ext2srv::open_files(g_fs));
    return true;
  }

  // A result that contradicts its request (postcond.hh): this server's code went wrong where
  // neither a crash nor the audit shows it. Panic before the reply: the monitor restarts the
  // server and the framework replays the request (on the disk as it was before, when the check
  // ran before the commit; else the replay answers from the committed change).
  [[noreturn]] static void Violated(const char *fmt, ...) __attribute__((format(printf, 1, 2))) {
    char why[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    arc::panic("post-condition: %s", why);
  }
  // The name `path` (not followed) is inode ino; the name is gone.
  static bool Names(const char *path, uint32_t ino) {
    uint32_t at = 0;
    return ino && g_ext2.lookup(path, &at, false) == ext2::Error::ok && at == ino;
  }
  static bool Gone(const char *path) {
    uint32_t at = 0;
    return g_ext2.lookup(path, &at, false) == ext2::Error::not_found;
  }
  // ---- name operations: their directories' censuses, checked before the commit ---------------
  // The directory that holds the last component of `path` (absolute, as clients send them).
  static bool ParentOf(const char *path, uint32_t *dir) {
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1]) return false;   // no component, or a trailing slash: not checked
    char parent[fs::max_path];
    const size_t len = slash == path ? 1 : size_t(slash - path);
    memcpy(parent, path, len);
    parent[len] = 0;
    return g_ext2.lookup(parent, dir) == ext2::Error::ok;
  }
  // Live entries and the sum of their inodes; false for a directory that cannot be read whole
  // (then nothing is checked: the operation meets the same and fails).
  static bool CensusOf(uint32_t dir, ext2srv::Census *c) {
    ext2::Inode in;
    return g_ext2.get(dir, in) == ext2::Error::ok &&
           g_ext2.census(in, &c->entries, &c->ino_sum) == ext2::Error::ok;
  }
  static void NamesBegin() { g_names = {}; }
  // The directory of `path` must move by `entries` and `sum` (0 with a made name of unknown
  // inode: its inode is added when checked). Sets the check; false when the directory cannot
  // be counted (the operation is then not checked this way).
  static bool Expect(const char *path, int32_t entries, uint32_t sum) {
    DirMove &m = g_names.d[g_names.n];
    if (g_names.n == 2 || !ParentOf(path, &m.dir) || !CensusOf(m.dir, &m.before)) return false;
    m.entries = entries;
    m.sum = sum;
    ++g_names.n;
    g_disk.SetCheck(NamesCheck, true);
    return true;
  }
  static void ExpectRename(const char *from, const char *to, uint32_t moved, uint32_t target) {
    uint32_t fp = 0, tp = 0;
    if (!ParentOf(from, &fp) || !ParentOf(to, &tp)) return;
    if (fp == tp) {
      const ext2srv::RenameMove m = ext2srv::rename_move_same_dir(moved, target);
      if (!Expect(from, m.from_entries, m.from_sum)) return;
    } else {
      const ext2srv::RenameMove m = ext2srv::rename_move(moved, target);
      if (!Expect(from, m.from_entries, m.from_sum) || !Expect(to, m.to_entries, m.to_sum)) {
        g_names.n = 0;
        g_disk.SetCheck(nullptr);
        return;
      }
    }
    g_names.gone = from;
    g_names.made = to;
    g_names.made_ino = moved;
  }
  // Before a name operation's transaction commits (Disk::SetCheck, only when the library reports
  // success): the name made resolves (to the inode expected, or to a new one of the right type),
  // the name removed is gone, and each directory's census moved by exactly that.
  static bool NamesCheck() {
    uint32_t made = 0;
    if (g_names.made) {
      ext2::Inode in;
      if (g_ext2.lookup(g_names.made, &made, false) != ext2::Error::ok || !made) return false;
      if (g_names.made_ino && made != g_names.made_ino) return false;
      if (g_ext2.get(made, in) != ext2::Error::ok || !in.d.links_count) return false;
      if (g_names.made_type && (in.d.mode & ext2::s_ifmt) != g_names.made_type) return false;
    }
    if (g_names.gone && !Gone(g_names.gone)) return false;
    for (unsigned i = 0; i < g_names.n; ++i) {
      const DirMove &m = g_names.d[i];
      ext2srv::Census now;
      if (!CensusOf(m.dir, &now)) return false;
      const uint32_t sum = g_names.made && !g_names.made_ino ? m.sum + made : m.sum;
      if (!ext2srv::census_moved(m.before, now, m.entries, sum)) return false;
    }
    if (g_names.made_dir) {   // a new directory: . (itself) and .. (its parent) alone
      ext2srv::Census own;
      if (!CensusOf(made, &own) || !ext2srv::census_moved(ext2srv::Census{0, 0}, own, 2,
                                                           made + g_names.d[0].dir))
        return false;
    }
    return true;
  }

  // Before a write's transaction commits (Disk::SetCheck): what it reports written is within the
  // request, the file reaches its end, and the disk holds the bytes asked for there (read back
  // through the library: a block mapped wrongly, data put at the wrong place in a block or taken
  // from the wrong place in the buffer show as a difference). A read-back the disk fails is not
  // this server's fault: left to the block server's own checks.
  static bool WriteCheck() {
    const uint32_t done = *g_write.done;
    if (done > g_write.n || (done && g_write.ino->size() < g_write.off + done)) return false;
    uint32_t got = 0;
    if (g_ext2.read(*g_write.ino, g_write.off, g_back, done, &got) != ext2::Error::ok) return true;
    return got == done && memcmp(g_back, g_buf, done) == 0;
  }

  // An operation that fails libs/ext2's audit found this server's own code wrong (the disk was
  // checked when it was read): panic before the transaction commits. The restart drops the
  // open transaction and replays the request on a disk as it was before it.
  [[noreturn]] static void AuditFailed(const char *why) { arc::panic("audit: %s", why); }

  static Status Mount() {
    g_ext2.set_clock(clock_seconds);
    g_ext2.set_audit_failure(AuditFailed);
    const ext2::Error e = g_ext2.mount(g_disk);
    if (e != ext2::Error::ok) {
      ::printf("[ext2] cannot mount: %s (%s)\n", ext2::error_name(e), g_ext2.why());
      return Status::not_supported;
    }
    if (*g_ext2.why()) ::printf("[ext2] %s\n", g_ext2.why());
    return Status::ok;
  }

  // The path argument at MR<at> (fs.hh: inline, or in the client's session), copied into path
  // (fs::max_path bytes) and terminated; *next: the MR after it. False for anything malformed:
  // a length past what was sent or past the area, a NUL inside, an empty or too long path.
  bool PathArg(const Request &req, unsigned at, char *path, unsigned *next) {
    if (at < 1 || at > req.untyped) return false;
    const word head = req.arg(at);
    const word len = head & ~fs::path_in_session;
    if (len == 0 || len >= fs::max_path) return false;
    if (head & fs::path_in_session) {
      if (at + 2 > req.untyped) return false;
      SessionEntry *s = sessions().Find(req.badge, req.arg(at + 1));
      if (!s || !s->Get(req.arg(at + 2), path, len)) return false;   // copied before checked
      *next = at + 3;
    } else {
      const char *data;
      unsigned n;
      if (!req.bytes(at, &data, &n) || n != len) return false;
      memcpy(path, data, n);
      *next = at + 1 + unsigned(words_for(n));
    }
    if (memchr(path, 0, len)) return false;
    path[len] = 0;
    return true;
  }
  // A request whose last argument is the path at MR<at>.
  bool Path(const Request &req, unsigned at, char *path) {
    unsigned next;
    return PathArg(req, at, path, &next) && next == req.untyped + 1;
  }

  // The inodes of open files as the disk has them now: a change by name (a link count, a
  // directory's size, a mode) must not be undone when a write puts its cached copy back.
  static void Refresh() {
    for (InodeSlot &s : g_fs.inodes) {
      ext2::Inode in;
      if (s.refs && g_ext2.get(s.inode.ino, in) == ext2::Error::ok) s.inode = in;
    }
  }

  Status StatOf(const Request &req, Reply &rep, bool follow) {
    char path[fs::max_path];
    if (!Path(req, 1, path)) return Status::invalid_arg;
    uint32_t ino;
    ext2::Stat st;
    ext2::Error e = g_ext2.lookup(path, &ino, follow);
    if (e == ext2::Error::ok) e = g_ext2.stat(ino, &st);
    if (e != ext2::Error::ok) return Fail(rep, to_fs(e));
    const word results[] = {0,        st.ino, st.mode, st.links, fs::low_word(st.size), st.blocks,
                            st.mtime, st.uid, st.gid,  st.atime, st.ctime, fs::high_word(st.size)};
    for (word w : results) rep.put(w);
    return Status::ok;
  }

  // chmod, chown, utime: by path (links followed), the path at MR<first>.
  template <class F> Status Attr(const Request &req, Reply &rep, unsigned first, F change) {
    char path[fs::max_path];
    if (!Path(req, first, path)) return Status::invalid_arg;
    if (Status st; Replayed(req, rep, &st)) return st;
    uint32_t ino;
    ext2::Error e = g_ext2.lookup(path, &ino);
    g_disk.SetSeq(req.seq);
    if (e == ext2::Error::ok) e = change(ino);
    ext2::Stat st;
    if (e == ext2::Error::ok && g_ext2.stat(ino, &st) == ext2::Error::ok) {
      const bool took = req.label == fs::chmod ? (st.mode & 07777) == (req.arg(1) & 07777)
                      : req.label == fs::chown ? (uint32_t(req.arg(1)) == ~0u || st.uid == uint32_t(req.arg(1))) &&
                                                 (uint32_t(req.arg(2)) == ~0u || st.gid == uint32_t(req.arg(2)))
                      : req.label == fs::utime ? st.atime == req.arg(1) && st.mtime == req.arg(2)
                                               : true;
      if (!took) Violated("attributes of inode %lu not as asked", word(ino));
    }
    Refresh();
    return Record(req, rep, to_fs(e));
  }

  static OpenFile *File(const Request &req, word id) {
    const word i = id & 0xff;
    if (i < 1 || i > max_open) return nullptr;
    OpenFile &f = g_fs.files[i - 1];
    return f.id && f.id == id && f.badge == req.badge ? &f : nullptr;
  }

  static bool InodeFor(uint32_t ino, word *slot) {
    InodeSlot *free_slot = nullptr;
    for (InodeSlot &s : g_fs.inodes) {
      if (s.refs && s.inode.ino == ino) {
        ++s.refs;
        *slot = word(&s - g_fs.inodes);
        return true;
      }
      if (!s.refs && !free_slot) free_slot = &s;
    }
    if (!free_slot) return false;
    ext2::Inode in;
    if (g_ext2.get(ino, in) != ext2::Error::ok) return false;
    free_slot->inode = in;
    free_slot->refs = 1;
    *slot = word(free_slot - g_fs.inodes);
    return true;
  }

  static void Unref(word slot) {
    if (slot < max_inodes && g_fs.inodes[slot].refs) --g_fs.inodes[slot].refs;
  }

  static bool IsOpen(uint32_t ino) {
    for (const InodeSlot &s : g_fs.inodes)
      if (s.refs && s.inode.ino == ino) return true;
    return false;
  }

  static Status Opened(Reply &rep, const OpenFile &f) {
    const ext2::Inode &in = g_fs.inodes[f.slot].inode;
    rep.put(0);
    rep.put(f.id);
    rep.put(fs::low_word(in.size()));
    rep.put(in.ino);
    rep.put(in.d.mode);
    rep.put(fs::high_word(in.size()));
    return Status::ok;
  }

  static Status Ok(Reply &rep) {
    rep.put(0);
    return Status::ok;
  }
  static Status Fail(Reply &rep, FsError e) {
    rep.put(word(e));
    return Status::ok;
  }

  // A change is recorded with its results, so that a replay answers the same.
  static Status Record(const Request &req, Reply &rep, FsError e, word r0 = 0, word r1 = 0) {
    g_fs.done = Done{req.seq, word(e), {r0, r1}};
    ++g_fs.ops;
    rep.put(word(e));
    if (e == FsError::none || r0) {
      rep.put(r0);
      rep.put(r1);
    }
    return Status::ok;
  }

  // True when a replayed request already took effect: *st and rep hold its answer.
  static bool Replayed(const Request &req, Reply &rep, Status *st) {
    if (!req.replayed) return false;
    ++g_fs.replays;
    if (g_fs.done.seq == req.seq) {
      rep.put(g_fs.done.err);
      rep.put(g_fs.done.r[0]);
      rep.put(g_fs.done.r[1]);
      *st = Status::ok;
      return true;
    }
    if (Disk::tx().applied_seq == req.seq) {
      // On the disk, but not recorded: answer what the request asked for.
      word r0 = 0;
      if (req.label == fs::write) r0 = req.arg(5);
      *st = Record(req, rep, FsError::none, r0);
      return true;
    }
    return false;
  }

  Status Make(const Request &req, Reply &rep, bool dir) {
    char path[fs::max_path];
    if (!Path(req, 2, path)) return Status::invalid_arg;
    uint32_t ino = 0;
    if (req.replayed && Disk::tx().applied_seq == req.seq && g_fs.done.seq != req.seq) {
      g_ext2.lookup(path, &ino, false);   // made before the failure: tell its inode
      return Record(req, rep, FsError::none, ino);
    }
    if (Status st; Replayed(req, rep, &st)) return st;
    g_disk.SetSeq(req.seq);
    const uint16_t perm = uint16_t(req.arg(1) & 07777);
    NamesBegin();
    if (Expect(path, 1, 0)) {
      g_names.made = path;
      g_names.made_type = dir ? ext2::s_ifdir : ext2::s_ifreg;
      g_names.made_dir = dir;
    }
    const ext2::Error e = dir ? g_ext2.mkdir(path, perm, &ino) : g_ext2.create(path, perm, &ino);
    g_disk.SetCheck(nullptr);
    if (e == ext2::Error::ok && !Names(path, ino)) Violated("%s: the name is not the new inode", dir ? "mkdir" : "create");
    Refresh();   // an open directory that grew
    return Record(req, rep, to_fs(e), ino);
  }

  Status Remove(const Request &req, Reply &rep, bool dir) {
    char path[fs::max_path];
    if (!Path(req, 1, path)) return Status::invalid_arg;
    if (Status st; Replayed(req, rep, &st)) return st;
    uint32_t ino = 0;
    const bool ino_found = g_ext2.lookup(path, &ino, false) == ext2::Error::ok;
    if (ino_found && IsOpen(ino)) return Record(req, rep, FsError::busy);
    g_disk.SetSeq(req.seq);
    NamesBegin();
    if (ino_found && Expect(path, -1, 0u - ino)) g_names.gone = path;
    const ext2::Error e = dir ? g_ext2.rmdir(path) : g_ext2.unlink(path);
    g_disk.SetCheck(nullptr);
    if (e == ext2::Error::ok && !Gone(path)) Violated("%s: the name is still there", dir ? "rmdir" : "unlink");
    Refresh();
    return Record(req, rep, to_fs(e));
  }
};

int main() {
  static Ext2Server server;
  return server.Run();
}
