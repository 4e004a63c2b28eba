-- CreateEnum
CREATE TYPE "SpaceKind" AS ENUM ('snapshot', 'governor');

-- CreateEnum
CREATE TYPE "SpaceMode" AS ENUM ('dry_run', 'live');

-- CreateEnum
CREATE TYPE "VotingMode" AS ENUM ('personal', 'pooled');

-- CreateEnum
CREATE TYPE "ProposalSource" AS ENUM ('snapshot', 'governor', 'tally', 'replay');

-- CreateEnum
CREATE TYPE "VotingType" AS ENUM ('single-choice', 'approval', 'quadratic', 'ranked-choice', 'weighted', 'basic', 'copeland');

-- CreateEnum
CREATE TYPE "ProposalState" AS ENUM ('pending', 'active', 'closed', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed');

-- CreateEnum
CREATE TYPE "ProfilePrivacy" AS ENUM ('public', 'private');

-- CreateEnum
CREATE TYPE "DecisionOutcome" AS ENUM ('vote', 'abstain', 'ask', 'never');

-- CreateEnum
CREATE TYPE "CastState" AS ENUM ('planned', 'announced', 'due', 'signing', 'submitted', 'confirmed', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "Space" (
    "id" TEXT NOT NULL,
    "kind" "SpaceKind" NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "chainId" INTEGER,
    "tokenAddress" TEXT,
    "discordGuildId" TEXT,
    "discordChannelId" TEXT,
    "mode" "SpaceMode" NOT NULL DEFAULT 'dry_run',
    "votingMode" "VotingMode" NOT NULL DEFAULT 'personal',
    "pooledAgentIndex" INTEGER,
    "pooledAgentAddress" TEXT,
    "taxonomy" JSONB NOT NULL,
    "taxonomyVersion" INTEGER NOT NULL DEFAULT 1,
    "vetoWindowSeconds" INTEGER NOT NULL DEFAULT 86400,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Space_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Proposal" (
    "id" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "source" "ProposalSource" NOT NULL,
    "externalId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "choices" JSONB NOT NULL,
    "votingType" "VotingType" NOT NULL,
    "author" TEXT,
    "startAt" TIMESTAMP(3) NOT NULL,
    "endAt" TIMESTAMP(3) NOT NULL,
    "snapshotTimepoint" TEXT,
    "discussionUrl" TEXT,
    "state" "ProposalState" NOT NULL,
    "privacy" TEXT,
    "contentHash" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "raw" JSONB,
    "deletedAt" TIMESTAMP(3),
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Proposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProposalVersion" (
    "id" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "choices" JSONB NOT NULL,
    "raw" JSONB,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProposalVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Digest" (
    "id" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "proposalVersionId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "promptVersion" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "taxonomyVersion" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "unreliable" BOOLEAN NOT NULL DEFAULT false,
    "findings" JSONB,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Digest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" TEXT NOT NULL,
    "discordUserId" TEXT NOT NULL,
    "agentIndex" INTEGER NOT NULL,
    "agentAddress" TEXT NOT NULL,
    "walletAddress" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ValueProfile" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "statement" TEXT NOT NULL,
    "weights" JSONB NOT NULL,
    "rules" JSONB NOT NULL,
    "taxonomyVersion" INTEGER NOT NULL,
    "privacy" "ProfilePrivacy" NOT NULL DEFAULT 'private',
    "compiledBy" TEXT NOT NULL,
    "confirmedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ValueProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delegation" (
    "id" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "memberId" TEXT,
    "delegatorAddress" TEXT NOT NULL,
    "delegateAddress" TEXT NOT NULL,
    "votingPower" TEXT,
    "atTimepoint" TEXT,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Delegation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Decision" (
    "id" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "digestId" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "taxonomyVersion" INTEGER NOT NULL,
    "outcome" "DecisionOutcome" NOT NULL,
    "choice" JSONB,
    "utilities" JSONB NOT NULL,
    "contributions" JSONB NOT NULL,
    "rulesFired" JSONB NOT NULL,
    "explanation" JSONB NOT NULL,
    "staleAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Override" (
    "id" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "choice" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Override_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cast" (
    "id" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "voterAddress" TEXT NOT NULL,
    "memberId" TEXT,
    "decisionId" TEXT,
    "state" "CastState" NOT NULL DEFAULT 'planned',
    "choice" JSONB,
    "reason" TEXT,
    "dryRun" BOOLEAN NOT NULL DEFAULT true,
    "announcedAt" TIMESTAMP(3),
    "dueAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "receipt" JSONB,
    "failureReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProposalThread" (
    "id" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "guildId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProposalThread_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SourceCursor" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "cursor" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SourceCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "spaceId" TEXT,
    "proposalId" TEXT,
    "memberId" TEXT,
    "canonical" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "Space_discordGuildId_idx" ON "Space"("discordGuildId");

-- CreateIndex
CREATE UNIQUE INDEX "Space_kind_externalId_key" ON "Space"("kind", "externalId");

-- CreateIndex
CREATE INDEX "Proposal_spaceId_state_endAt_idx" ON "Proposal"("spaceId", "state", "endAt");

-- CreateIndex
CREATE INDEX "Proposal_endAt_idx" ON "Proposal"("endAt");

-- CreateIndex
CREATE UNIQUE INDEX "Proposal_source_spaceId_externalId_key" ON "Proposal"("source", "spaceId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "ProposalVersion_proposalId_version_key" ON "ProposalVersion"("proposalId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ProposalVersion_proposalId_contentHash_key" ON "ProposalVersion"("proposalId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Digest_proposalId_contentHash_promptVersion_provider_model__key" ON "Digest"("proposalId", "contentHash", "promptVersion", "provider", "model", "taxonomyVersion");

-- CreateIndex
CREATE UNIQUE INDEX "Member_discordUserId_key" ON "Member"("discordUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Member_agentIndex_key" ON "Member"("agentIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Member_agentAddress_key" ON "Member"("agentAddress");

-- CreateIndex
CREATE INDEX "Member_walletAddress_idx" ON "Member"("walletAddress");

-- CreateIndex
CREATE UNIQUE INDEX "ValueProfile_memberId_spaceId_version_key" ON "ValueProfile"("memberId", "spaceId", "version");

-- CreateIndex
CREATE INDEX "Delegation_delegateAddress_idx" ON "Delegation"("delegateAddress");

-- CreateIndex
CREATE UNIQUE INDEX "Delegation_spaceId_delegatorAddress_key" ON "Delegation"("spaceId", "delegatorAddress");

-- CreateIndex
CREATE INDEX "Decision_memberId_proposalId_idx" ON "Decision"("memberId", "proposalId");

-- CreateIndex
CREATE UNIQUE INDEX "Decision_proposalId_memberId_digestId_profileId_key" ON "Decision"("proposalId", "memberId", "digestId", "profileId");

-- CreateIndex
CREATE INDEX "Override_proposalId_memberId_createdAt_idx" ON "Override"("proposalId", "memberId", "createdAt");

-- CreateIndex
CREATE INDEX "Cast_state_dueAt_idx" ON "Cast"("state", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Cast_proposalId_voterAddress_key" ON "Cast"("proposalId", "voterAddress");

-- CreateIndex
CREATE UNIQUE INDEX "ProposalThread_proposalId_key" ON "ProposalThread"("proposalId");

-- CreateIndex
CREATE UNIQUE INDEX "ProposalThread_threadId_key" ON "ProposalThread"("threadId");

-- CreateIndex
CREATE UNIQUE INDEX "SourceCursor_source_key_key" ON "SourceCursor"("source", "key");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_prevHash_key" ON "AuditEntry"("prevHash");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_hash_key" ON "AuditEntry"("hash");

-- CreateIndex
CREATE INDEX "AuditEntry_action_seq_idx" ON "AuditEntry"("action", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_proposalId_seq_idx" ON "AuditEntry"("proposalId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_spaceId_seq_idx" ON "AuditEntry"("spaceId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_memberId_seq_idx" ON "AuditEntry"("memberId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- AddForeignKey
ALTER TABLE "Proposal" ADD CONSTRAINT "Proposal_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "Space"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProposalVersion" ADD CONSTRAINT "ProposalVersion_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Digest" ADD CONSTRAINT "Digest_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Digest" ADD CONSTRAINT "Digest_proposalVersionId_fkey" FOREIGN KEY ("proposalVersionId") REFERENCES "ProposalVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ValueProfile" ADD CONSTRAINT "ValueProfile_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ValueProfile" ADD CONSTRAINT "ValueProfile_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "Space"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delegation" ADD CONSTRAINT "Delegation_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "Space"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delegation" ADD CONSTRAINT "Delegation_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_digestId_fkey" FOREIGN KEY ("digestId") REFERENCES "Digest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "ValueProfile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Override" ADD CONSTRAINT "Override_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Override" ADD CONSTRAINT "Override_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cast" ADD CONSTRAINT "Cast_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cast" ADD CONSTRAINT "Cast_spaceId_fkey" FOREIGN KEY ("spaceId") REFERENCES "Space"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cast" ADD CONSTRAINT "Cast_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cast" ADD CONSTRAINT "Cast_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "Decision"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProposalThread" ADD CONSTRAINT "ProposalThread_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
