// Frames for the pager (frames.hh).
#include "frames.hh"

RootFrames frames;
