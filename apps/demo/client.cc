// demo-client: uses demo-counter and prints lines a test checks:
//   demo-client: add 5 -> V / add 37 -> V+37 / counter V+37 after N adds
//   demo-client: session sum 1..10 = 55 (server wrote 55)      (or: session: <why not>)
//   demo-client: done
#include "counter_iface.hh"

#include <arc/process.hh>
#include <arc/session.hh>

#include <stdio.h>

using arc::Status;

int main(int, char **) {
  const arc::CapSlot slot = arc::slot_alloc();
  Status st = arc::name_wait(demo::counter::service_name, slot, 10000);
  if (st != Status::ok) {
    printf("demo-client: no counter server (%s)\n", arc::status_name(st));
    return 1;
  }
  demo::counter::Client counter(slot);
  long v = 0;
  if ((st = counter.Add(5, &v)) != Status::ok) {
    printf("demo-client: add failed (%s)\n", arc::status_name(st));
    return 1;
  }
  printf("demo-client: add 5 -> %ld\n", v);
  counter.Add(37, &v);
  printf("demo-client: add 37 -> %ld\n", v);
  arc::word adds = 0;
  counter.Get(&v, &adds);
  printf("demo-client: counter %ld after %lu adds\n", v, adds);

  // A malformed request gets an error, not a crash.
  arc::Rpc bad(demo::counter::add);
  printf("demo-client: add without argument -> %s\n", arc::status_name(bad.call(slot)));

  arc::Session session;
  if ((st = session.Begin(slot, 4096)) != Status::ok) {
    printf("demo-client: session: %s\n", arc::status_name(st));
  } else {
    for (long i = 1; i <= 10; ++i) session.Put((i - 1) * sizeof(long), &i, sizeof(i));
    long total = 0, written = 0;
    st = counter.Sum(session.id(), 10, &total);
    session.Get(10 * sizeof(long), &written, sizeof(written));
    printf("demo-client: session sum 1..10 = %ld (server wrote %ld) %s\n", total, written,
           arc::status_name(st));
    printf("demo-client: session end %s\n", arc::status_name(session.End()));
  }
  printf("demo-client: done\n");
  return 0;
}
