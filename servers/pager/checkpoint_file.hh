// Checkpoints as files (docs/restarts.md, "Checkpoints in files"; the format is p3/ckptfile.hh):
// the pager's side of `msh checkpoint --save` and `restore --load`. Both ways the bytes pass
// through the root task's buffer by the pager's calls to it (root::checkpoint_put and
// checkpoint_get), as its frames do: the pager may fault or need a frame meanwhile, which the root
// task serves only while it waits for messages.
#pragma once
#include "checkpoint.hh"

namespace p3 {

// The program the pager runs now, as a file's header names it.
struct FileProgram {
  word parc_start, parc_end;   // its framework's area
  word build_id;               // FNV-1a of its build id note (load(): found once per program)
  bool has_build_id;           //   false: the ELF file is hashed instead, once, at the first use
};

// The root task asked for the last checkpoint as a file: put it into its buffer and end it.
void export_checkpoint(const Checkpoint &ckpt, const FileProgram &me);
// The root task has a file of `total` bytes for us: fetch it, check it whole, and only then make
// it the checkpoint (and say so to the root task). Whatever is wrong with it, the process and its
// checkpoint stay as they are. threads_known: bit n set for each helper thread number n the
// process has announced (a file's threads must all be there).
void import_checkpoint(Checkpoint &ckpt, Image &image, FrameSource &frames, const FileProgram &me,
                       word total, unsigned threads_known);

} // namespace p3
