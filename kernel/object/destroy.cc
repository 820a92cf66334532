// Object destruction. Deleting an original capability only queues the object; reap() destroys
// queued objects one at a time, and whatever their destruction releases is queued in turn. So a
// space whose capability space holds the last capabilities of other spaces is torn down without
// recursion on the small kernel stack.
#include "cap/cspace.hh"
#include "ipc/ipc.hh"
#include "object/endpoint.hh"
#include "object/factory.hh"
#include "object/irq.hh"
#include "object/space.hh"
#include "object/thread.hh"

namespace kern {

Kobject *reap_list;

void destroy_later(Kobject *o) {
  if (!o || o->dying) return;
  o->dying = true;
  o->reap_next = reap_list;
  reap_list = o;
}

void reap_all() {
  while (Kobject *o = reap_list) {
    reap_list = o->reap_next;
    switch (o->type()) {
    case ObjType::thread: static_cast<Thread *>(o)->destroy(); break;
    case ObjType::space: static_cast<Space *>(o)->destroy(); break;
    case ObjType::endpoint: static_cast<Endpoint *>(o)->destroy(); break;
    case ObjType::factory: static_cast<Factory *>(o)->destroy(); break;
    case ObjType::irq: static_cast<Irq *>(o)->destroy(); break;
    default: break;   // singletons (irq control, I/O ports) are never destroyed
    }
  }
}

void cap_hook_destroy(Kobject *obj, ObjType type) {
  if (type == ObjType::reply || type == ObjType::irq_control || type == ObjType::ioports) return;
  destroy_later(obj);
}

void cap_hook_cleared(Cap &c) {
  if (c.type == ObjType::ioports && c.enabled && c.home) {
    auto *s = static_cast<Space *>(c.home->owner());
    (void)s->io_allow(c.badge, c.extra, false);
    c.enabled = false;
  } else if (c.type == ObjType::reply) {
    // An unanswered request is abandoned: its caller stops waiting.
    ipc::reply_cap_dropped(static_cast<Thread *>(c.obj), c.badge);
  }
}

} // namespace kern
