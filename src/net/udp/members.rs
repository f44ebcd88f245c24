//! The realms that share one UDP socket, each a receiver with at most one receive pending, and
//! how received datagrams are dealt among them: one each, in turn, to the receivers that wait.
//!
//! Invariants: a realm is a member at most once (a second bind of the address in the same realm
//! opens a socket of its own, which the OS refuses without SO_REUSEADDR); a datagram goes to
//! exactly one waiting receiver, never to two, and a receiver with nothing pending is skipped.
//! Sans I/O (a receive is any `R`), so the dealing is tested without sockets.

struct Member<R> {
    id: u64,
    realm: u32,
    receive: Option<R>,
}

pub struct Members<R> {
    list: Vec<Member<R>>,
    /// Where the next deal starts, so no receiver is always first.
    turn: usize,
}

impl<R> Members<R> {
    /// The member that bound the socket.
    pub fn first(id: u64, realm: u32) -> Members<R> {
        Members {
            list: vec![Member {
                id,
                realm,
                receive: None,
            }],
            turn: 0,
        }
    }

    /// Adds member `id` of `realm`, unless the realm is one already.
    pub fn join(&mut self, id: u64, realm: u32) -> bool {
        let joins = !self.list.iter().any(|m| m.realm == realm);
        if joins {
            self.list.push(Member {
                id,
                realm,
                receive: None,
            });
        }
        joins
    }

    /// Removes member `id`; its pending receive, if it had one.
    pub fn leave(&mut self, id: u64) -> Option<R> {
        let at = self.list.iter().position(|m| m.id == id)?;
        self.list.remove(at).receive
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn contains(&self, id: u64) -> bool {
        self.list.iter().any(|m| m.id == id)
    }

    /// Member `id`'s place for its pending receive; None when it is no member.
    pub fn receive_of(&mut self, id: u64) -> Option<&mut Option<R>> {
        self.list
            .iter_mut()
            .find(|m| m.id == id)
            .map(|m| &mut m.receive)
    }

    /// How many members have a receive pending.
    pub fn waiting(&self) -> usize {
        self.list.iter().filter(|m| m.receive.is_some()).count()
    }

    /// The waiting members' places, starting at the turn.
    fn waiting_in_turn(&self) -> Vec<usize> {
        let n = self.list.len();
        (0..n)
            .map(|i| (self.turn + i) % n)
            .filter(|&i| self.list[i].receive.is_some())
            .collect()
    }

    /// Deals `items` one each, in turn, to the waiting members: each that got some ends its
    /// receive with them. Called only while some member waits, so nothing is dealt to no one.
    pub fn deal<T>(&mut self, items: Vec<T>) -> Vec<(R, Vec<T>)> {
        let waiting = self.waiting_in_turn();
        if waiting.is_empty() || items.is_empty() {
            return Vec::new();
        }
        let last = (items.len() - 1) % waiting.len();
        let mut hands: Vec<Vec<T>> = waiting.iter().map(|_| Vec::new()).collect();
        for (i, item) in items.into_iter().enumerate() {
            hands[i % waiting.len()].push(item);
        }
        self.turn = (waiting[last] + 1) % self.list.len();
        waiting
            .into_iter()
            .zip(hands)
            .filter(|(_, hand)| !hand.is_empty())
            .filter_map(|(i, hand)| self.list[i].receive.take().map(|r| (r, hand)))
            .collect()
    }

    /// The receive of the next waiting member in turn (which hears of an error alone).
    pub fn next_waiting(&mut self) -> Option<R> {
        let at = *self.waiting_in_turn().first()?;
        self.turn = (at + 1) % self.list.len();
        self.list[at].receive.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_waiting() -> Members<&'static str> {
        let mut members = Members::first(1, 0);
        assert!(members.join(2, 1) && members.join(3, 2));
        for (id, name) in [(1, "a"), (2, "b"), (3, "c")] {
            *members.receive_of(id).unwrap() = Some(name);
        }
        members
    }

    #[test]
    fn a_realm_joins_once() {
        let mut members: Members<()> = Members::first(1, 7);
        assert!(!members.join(2, 7));
        assert!(members.join(3, 8));
        assert_eq!(members.len(), 2);
    }

    #[test]
    fn datagrams_are_dealt_one_each_in_turn() {
        let mut members = three_waiting();
        let dealt = members.deal(vec![1, 2, 3, 4, 5]);
        assert_eq!(
            dealt,
            [("a", vec![1, 4]), ("b", vec![2, 5]), ("c", vec![3])]
        );
        assert_eq!(members.waiting(), 0);
    }

    #[test]
    fn a_member_with_nothing_pending_is_skipped_and_the_turn_moves_on() {
        let mut members = three_waiting();
        assert_eq!(members.deal(vec![1]), [("a", vec![1])]);
        assert_eq!(
            members.deal(vec![2, 3, 4]),
            [("b", vec![2, 4]), ("c", vec![3])]
        );
        *members.receive_of(1).unwrap() = Some("a");
        *members.receive_of(3).unwrap() = Some("c");
        // b took the last datagram, so c comes next, then a.
        assert_eq!(members.deal(vec![5]), [("c", vec![5])]);
        assert_eq!(members.next_waiting(), Some("a"));
        assert_eq!(members.next_waiting(), None);
    }

    #[test]
    fn leaving_gives_back_the_pending_receive() {
        let mut members = three_waiting();
        assert_eq!(members.leave(2), Some("b"));
        assert!(!members.contains(2));
        assert_eq!(members.deal(vec![1, 2]), [("a", vec![1]), ("c", vec![2])]);
        assert_eq!(members.leave(2), None);
    }
}
