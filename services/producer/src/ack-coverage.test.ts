import { unansweredPartitions } from './ack-coverage';

const rec = (partition: number, id: string) => ({ partition, id });

describe('unansweredPartitions', () => {
  it('is empty when every partition sent to is answered', () => {
    const sent = [{ topic: 't', messages: [rec(0, 'a'), rec(1, 'b'), rec(0, 'c')] }];
    expect(unansweredPartitions(sent, [{ topicName: 't', partition: 0 }, { topicName: 't', partition: 1 }])).toEqual([]);
  });

  it('returns the records of the partitions the answer leaves out, per topic, in order', () => {
    const sent = [
      { topic: 't', messages: [rec(0, 'a'), rec(2, 'b'), rec(2, 'c')] },
      { topic: 'u', messages: [rec(2, 'd')] },
    ];
    expect(unansweredPartitions(sent, [{ topicName: 't', partition: 0 }, { topicName: 'u', partition: 2 }])).toEqual([{ topic: 't', messages: [rec(2, 'b'), rec(2, 'c')] }]);
  });

  it('does not take an answer for the same partition number of another topic', () => {
    const sent = [{ topic: 't', messages: [rec(1, 'a')] }];
    expect(unansweredPartitions(sent, [{ topicName: 'u', partition: 1 }])).toEqual(sent);
  });
});
