// Blocks claimed twice, caught at mount. Two live inodes (or one, twice) that name the same block
// would show, and change, each other's data: a client reading its file would get another's. So
// mount walks the block tree of every inode in use once and refuses a file system in which a
// block is claimed twice, saying which block and which inode met it again. The map of claimed
// blocks is one bit per block in a work buffer (buf_[3], free at mount), so file systems of up
// to max_block_size * 8 blocks are checked (64 Ki blocks: 64 MiB at 1 KiB, 256 MiB at 4 KiB);
// larger ones are mounted without the check (claims_checked() says so). Blocks outside the data
// area and metadata named as data are left to the read and write paths, which refuse them.
#include "ext2/ext2.hh"

#include <string.h>

namespace ext2 {

namespace {
char why_buf[96];

void say(const char *what, uint32_t block, uint32_t ino) {
  // No snprintf in the library: digits by hand.
  char num[2][12];
  const uint32_t v[2] = {block, ino};
  for (int k = 0; k < 2; ++k) {
    char tmp[12];
    int n = 0;
    uint32_t x = v[k];
    do { tmp[n++] = char('0' + x % 10); x /= 10; } while (x);
    for (int i = 0; i < n; ++i) num[k][i] = tmp[n - 1 - i];
    num[k][n] = 0;
  }
  why_buf[0] = 0;
  strcat(why_buf, "block ");
  strcat(why_buf, num[0]);
  strcat(why_buf, what);
  strcat(why_buf, num[1]);
}
} // namespace

Error Fs::claim(uint32_t b, uint32_t ino) {
  if (b < sb_.first_data_block || b >= sb_.blocks_count) return Error::ok;   // the read path's
  uint8_t *map = buf_[3];
  const uint32_t bit = b - sb_.first_data_block;
  if (map[bit / 8] & (1u << (bit % 8))) {
    say(" claimed twice: again by inode ", b, ino);
    why_ = why_buf;
    return Error::corrupt;
  }
  map[bit / 8] = uint8_t(map[bit / 8] | (1u << (bit % 8)));
  return Error::ok;
}

Error Fs::claim_tree(uint32_t b, int level, uint32_t ino) {
  if (!b) return Error::ok;
  if (Error e = claim(b, ino); e != Error::ok) return e;
  if (!level || b < sb_.first_data_block || b >= sb_.blocks_count) return Error::ok;
  for (uint32_t i = 0; i < bs_ / 4; ++i) {
    uint32_t c;
    if (Error e = meta_word(b, i, &c); e != Error::ok) return e;
    if (Error e = claim_tree(c, level - 1, ino); e != Error::ok) return e;
  }
  return Error::ok;
}

Error Fs::check_claims() {
  claims_checked_ = false;
  const uint32_t data_blocks = sb_.blocks_count - sb_.first_data_block;
  if (data_blocks > max_block_size * 8) return Error::ok;   // too large for the map: unchecked
  memset(buf_[3], 0, max_block_size);
  for (uint32_t g = 0; g < groups_; ++g) {
    GroupDesc *gd;
    if (Error e = group(g, &gd); e != Error::ok) return e;
    const uint32_t bitmap = gd->inode_bitmap;
    for (uint32_t i = 0; i < sb_.inodes_per_group; ++i) {
      const uint32_t ino = g * sb_.inodes_per_group + i + 1;
      if (ino > sb_.inodes_count) break;
      bool used;
      if (Error e = bit_in(bitmap, i, &used); e != Error::ok) return e;
      Inode in;
      if (!used || get(ino, in) != Error::ok || !in.d.links_count || !has_blocks(in)) continue;
      for (unsigned k = 0; k < 12; ++k)
        if (Error e = claim_tree(in.d.block[k], 0, ino); e != Error::ok) return e;
      for (unsigned k = 0; k < 3; ++k)
        if (Error e = claim_tree(in.d.block[12 + k], int(k) + 1, ino); e != Error::ok) return e;
    }
  }
  claims_checked_ = true;
  return Error::ok;
}

} // namespace ext2
