-- AlterTable
ALTER TABLE "Cast" ADD COLUMN     "agentIndex" INTEGER,
ADD COLUMN     "announcedDecisionId" TEXT,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "payload" JSONB,
ADD COLUMN     "txHash" TEXT,
ADD COLUMN     "voteId" TEXT,
ADD COLUMN     "voteTimestamp" INTEGER,
ADD COLUMN     "voterKind" TEXT NOT NULL DEFAULT 'personal',
ADD COLUMN     "votingPower" TEXT;
